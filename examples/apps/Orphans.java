import java.util.ArrayList;
import java.util.List;

/**
 * Leaves orphaned grandchildren behind for the init to reap.
 *
 * Arguments (all optional): [count (default 3)] [ms to sleep after spawning (default 1000)]
 *                           [seconds each grandchild lives (default 0.3)]
 *
 * Each grandchild is started as `sh -c 'sleep S &'`: the shell exits at once (the JVM waits for it),
 * so the `sleep` is orphaned and reparented to the init (or the nearest child subreaper).
 * Prints "spawned" once every shell has exited, sleeps, exits 0.
 */
public class Orphans {
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long afterMs = args.length > 1 ? Long.parseLong(args[1]) : 1000L;
        String lifetime = args.length > 2 ? args[2] : "0.3";
        if (!lifetime.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new IllegalArgumentException("lifetime must be a number of seconds: " + lifetime);
        }

        List<Process> shells = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            shells.add(new ProcessBuilder("sh", "-c", "sleep " + lifetime + " &").inheritIO().start());
        }
        for (Process shell : shells) {
            shell.waitFor();
        }
        System.out.println("spawned");
        System.out.flush();
        Thread.sleep(afterMs);
    }
}
