package health.caravan.examples;

/** Keeps credentials out of anything shown or logged: user info in URLs, and the configured secrets. */
public final class RepoUrls {

    private RepoUrls() {
    }

    /** {@code https://user:token@host/x.git} → {@code https://***@host/x.git}. */
    public static String redact(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String out = text.replaceAll("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]+@", "$1***@");
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 3) {
                out = out.replace(secret, "***");
            }
        }
        return out;
    }
}
