import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints what the JVM was given, so that a test (or a person) can see what jvminit passed on:
 *
 *   JAVA_TOOL_OPTIONS=<value or (unset)>
 *   <name>=<value>      for each system property named jvminit.* or greeting*  (sorted)
 *   arg: <argument>     for each JVM input argument (JAVA_TOOL_OPTIONS included)
 *
 * Exits 0, or with the code given as the first argument.
 */
public class Hello {
    public static void main(String[] args) {
        String jto = System.getenv("JAVA_TOOL_OPTIONS");
        System.out.println("JAVA_TOOL_OPTIONS=" + (jto == null ? "(unset)" : jto));

        Map<String, String> props = new TreeMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("jvminit.") || name.startsWith("greeting")) {
                props.put(name, System.getProperty(name));
            }
        }
        props.forEach((name, value) -> System.out.println(name + "=" + value));

        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            System.out.println("arg: " + arg);
        }
        System.out.flush();
        System.exit(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    }
}
