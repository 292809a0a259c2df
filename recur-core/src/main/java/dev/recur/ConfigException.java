package dev.recur;

/** An invalid configuration: an unknown layer name or option, a value out of range, a bad model spec. */
public final class ConfigException extends RecurException {
    public ConfigException(String message) {
        super(message);
    }
}
