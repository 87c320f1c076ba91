import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Registers a shutdown hook, prints "ready", then sleeps forever.
 *
 * The hook sleeps -Dhook.ms milliseconds (default 300), then writes the file named by -Dhook.marker
 * (if set) and prints "hook done". A stop that lets shutdown hooks finish leaves the marker behind;
 * one that kills the JVM early does not.
 */
public class Sleeper {
    public static void main(String[] args) throws InterruptedException {
        long hookMs = Long.getLong("hook.ms", 300L);
        String marker = System.getProperty("hook.marker");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(hookMs);
                if (marker != null) {
                    Files.write(Path.of(marker), "hook done\n".getBytes(StandardCharsets.UTF_8));
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
            System.out.println("hook done");
            System.out.flush();
        }, "sleeper-hook"));

        System.out.println("ready");
        System.out.flush();
        while (true) {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
