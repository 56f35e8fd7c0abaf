package health.caravan.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** A plain MLLP sender for tests: frames out, ACK frames in. */
public class MllpClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public MllpClient(String host, int port) throws IOException {
        this(new Socket(host, port));
    }

    public MllpClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(15_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static byte[] frame(byte[] message) {
        byte[] framed = new byte[message.length + 3];
        framed[0] = 0x0b;
        System.arraycopy(message, 0, framed, 1, message.length);
        framed[framed.length - 2] = 0x1c;
        framed[framed.length - 1] = 0x0d;
        return framed;
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public String send(byte[] message) throws IOException {
        sendRaw(frame(message));
        return readAck(StandardCharsets.ISO_8859_1);
    }

    public String send(String message) throws IOException {
        return send(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one ACK frame; null when the connection closes first. */
    public String readAck(Charset charset) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        boolean started = false;
        int previous = -1;
        while ((b = in.read()) != -1) {
            if (!started) {
                if (b == 0x0b) {
                    started = true;
                }
                continue;
            }
            if (previous == 0x1c && b == 0x0d) {
                byte[] bytes = buf.toByteArray();
                return new String(bytes, 0, bytes.length - 1, charset);
            }
            buf.write(b);
            previous = b;
        }
        return null;
    }

    public boolean isClosedByPeer() throws IOException {
        return in.read() == -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
