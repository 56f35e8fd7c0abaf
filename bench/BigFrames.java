import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Large-frame load for the memory benchmark: N connections, each pipelining M frames of about S bytes
 * (a valid ADT^A01 padded with a Z segment) without waiting, while a reader counts the ACKs.
 *
 *   java bench/BigFrames.java host port connections framesPerConnection frameBytes
 */
public class BigFrames {
    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int connections = Integer.parseInt(args[2]);
        int frames = Integer.parseInt(args[3]);
        int size = Integer.parseInt(args[4]);
        String run = Long.toString(System.currentTimeMillis(), 36);
        AtomicInteger aa = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicInteger missing = new AtomicInteger();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int conn = c;
            Thread t = new Thread(() -> {
                try (Socket s = new Socket(host, port)) {
                    s.setSoTimeout(300_000);
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    Thread reader = new Thread(() -> {
                        for (int i = 0; i < frames; i++) {
                            String ack = readAck(in);
                            if (ack == null) {
                                missing.addAndGet(frames - i);
                                return;
                            }
                            if (ack.contains("MSA|AA|")) {
                                aa.incrementAndGet();
                            } else {
                                other.incrementAndGet();
                            }
                        }
                    });
                    reader.start();
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < frames; i++) {
                        out.write(frame(run + "-" + conn + "-" + i, size));
                    }
                    out.flush();
                    reader.join();
                } catch (Exception e) {
                    System.err.println("connection " + conn + ": " + e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("frames=%d size=%d AA=%d other=%d unanswered=%d seconds=%.1f%n",
                connections * frames, size, aa.get(), other.get(), missing.get(), seconds);
    }

    static byte[] frame(String controlId, int size) {
        String head = "MSH|^~\\&|BENCH|BENCHHOSP|CARAVAN|BENCHHOSP|20240101101500||ADT^A01|" + controlId + "|P|2.3\r"
                + "EVN|A01|20240101101500\r"
                + "PID|1||" + controlId + "^^^SYNTH^MRN~9990000018^^^NHSNBR^NHSNMBR||BENCH^PATIENT||19800102|F\r"
                + "PV1|1|INPATIENT|WARD 1^BAY 2^BED 3||||||||||||||||V" + controlId + "|||||||||||||||||||||||||20240101100000\r"
                + "ZXX|";
        ByteArrayOutputStream b = new ByteArrayOutputStream(size + 16);
        b.write(0x0b);
        b.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        byte[] pad = new byte[Math.max(0, size - head.length() - 1)];
        java.util.Arrays.fill(pad, (byte) 'x');
        b.writeBytes(pad);
        b.write('\r');
        b.write(0x1c);
        b.write(0x0d);
        return b.toByteArray();
    }

    static String readAck(InputStream in) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int x;
            boolean started = false;
            int previous = -1;
            while ((x = in.read()) != -1) {
                if (!started) {
                    started = x == 0x0b;
                    continue;
                }
                if (previous == 0x1c && x == 0x0d) {
                    return b.toString(StandardCharsets.ISO_8859_1);
                }
                b.write(x);
                previous = x;
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
