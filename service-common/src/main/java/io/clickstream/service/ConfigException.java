package io.clickstream.service;

/** Bad configuration; the message names the flag and variable and says what is wrong. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
