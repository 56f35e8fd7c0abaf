package health.caravan.support;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Key material made with the JDK's keytool for one test: a server key pair (CN=localhost, SAN 127.0.0.1),
 * a client key pair, and trust stores holding each side's certificate.
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit-test";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    public static TestCertificates create() throws Exception {
        TestCertificates c = new TestCertificates(Files.createTempDirectory("caravan-tls"));
        c.keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", c.path("server.p12"), "-storepass", PASSWORD);
        c.keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=sending-system",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", c.path("client.p12"), "-storepass", PASSWORD);
        c.keytool("-exportcert", "-alias", "server", "-keystore", c.path("server.p12"), "-storepass", PASSWORD, "-file", c.path("server.crt"));
        c.keytool("-exportcert", "-alias", "client", "-keystore", c.path("client.p12"), "-storepass", PASSWORD, "-file", c.path("client.crt"));
        c.keytool("-importcert", "-noprompt", "-alias", "client", "-file", c.path("client.crt"), "-storetype", "PKCS12",
                "-keystore", c.path("server-trust.p12"), "-storepass", PASSWORD);
        c.keytool("-importcert", "-noprompt", "-alias", "server", "-file", c.path("server.crt"), "-storetype", "PKCS12",
                "-keystore", c.path("client-trust.p12"), "-storepass", PASSWORD);
        return c;
    }

    /** server.p12, client.p12, server-trust.p12 (trusts the client), client-trust.p12 (trusts the server). */
    public String path(String name) {
        return dir.resolve(name).toString();
    }

    public KeyStore load(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(path(name))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }
}
