package dev.recur.cli;

import dev.recur.RecurException;
import dev.recur.kernel.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;

/**
 * The {@code recur} command: parses arguments and delegates to one class per subcommand.
 * User errors ({@link RecurException}, bad arguments) print one line and exit with code 2;
 * anything else is a bug and keeps its stack trace.
 */
@Command(name = "recur", mixinStandardHelpOptions = true, version = "recur 0.1.0",
        description = "Recurrent sequence models for the JVM.",
        subcommands = {InfoCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, GenerateCommand.class,
                ImportCommand.class, RunCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for a user error: bad input, bad option, bad file. */
    public static final int USER_ERROR = 2;

    @Spec
    CommandSpec spec;

    /**
     * Compute threads for every subcommand ({@code recur train --threads 1 ...}); the default is
     * the core count, or RECUR_THREADS / -Drecur.threads. Results are the same bits for the same
     * seed and thread count, so this is also how a run is reproduced on a machine with other cores.
     */
    @Option(names = "--threads", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "compute threads (default: the number of cores, or RECUR_THREADS)")
    void threads(int n) {
        if (n < 1) throw new ParameterException(spec.commandLine(), "--threads: expected an integer >= 1, found " + n);
        Parallel.setThreads(n);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof RecurException) {
                PrintWriter err = cmd.getErr();
                err.println("recur: " + ex.getMessage());
                err.flush();
                return USER_ERROR;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("recur: " + ex.getMessage());
            err.println("(see: recur " + commandPath(ex.getCommandLine()) + "--help)");
            err.flush();
            return USER_ERROR;
        });
        return cl;
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine c = cl; c.getParent() != null; c = c.getParent()) sb.insert(0, c.getCommandName() + " ");
        return sb.toString();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
