import java.util.ArrayList;
import java.util.List;

/**
 * Runs out of heap: allocates 1 MiB arrays and keeps them until OutOfMemoryError.
 *
 * No argument: in the main thread (without an OOM flag the JVM exits 1).
 * Argument "thread": in a worker thread while main sleeps forever (without an OOM flag the
 * worker dies and the JVM keeps running; with -XX:+ExitOnOutOfMemoryError it exits 3).
 * Run it with a small heap, e.g. -Xmx32m.
 */
public class OomApp {
    static final List<byte[]> KEEP = new ArrayList<>();

    static void exhaust() {
        System.out.println("allocating in " + Thread.currentThread().getName());
        System.out.flush();
        while (true) {
            KEEP.add(new byte[1024 * 1024]);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("thread")) {
            Thread worker = new Thread(OomApp::exhaust, "oom-worker");
            worker.start();
            while (true) {
                Thread.sleep(Long.MAX_VALUE);
            }
        }
        exhaust();
    }
}
