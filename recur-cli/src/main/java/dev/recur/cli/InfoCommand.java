package dev.recur.cli;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;
import picocli.CommandLine.Command;

/** {@code recur info}: the backend and thread count this JVM uses. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the compute backend and thread count.")
public final class InfoCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("backend: " + Backends.active().name() + ", threads: " + Parallel.threads()
                + ", java: " + Runtime.version());
    }
}
