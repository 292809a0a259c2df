package dev.recur.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code recur} command: parses arguments and delegates to one class per subcommand. */
@Command(name = "recur", mixinStandardHelpOptions = true, version = "recur 0.1.0",
        description = "Recurrent sequence models for the JVM.",
        subcommands = {InfoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
