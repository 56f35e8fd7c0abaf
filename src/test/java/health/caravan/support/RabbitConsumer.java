package health.caravan.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/** A consumer on the real RabbitMQ: an exclusive queue bound to the ADT routing key of this test run's exchange. */
public final class RabbitConsumer implements AutoCloseable {

    public record Delivery(AMQP.BasicProperties properties, byte[] body) {
        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final Connection connection;
    private final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();

    public RabbitConsumer(String uri) throws Exception {
        this(uri, TestCaravan.EXCHANGE, "dhos.24891000000101");
    }

    public RabbitConsumer(String uri, String exchange, String routingKey) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(uri);
        connection = f.newConnection("caravan-test-consumer");
        Channel ch = connection.createChannel();
        ch.exchangeDeclare(exchange, "topic", true);
        String queue = ch.queueDeclare("", false, true, true, null).getQueue();
        ch.queueBind(queue, exchange, routingKey);
        ch.basicConsume(queue, true, (tag, d) -> received.add(new Delivery(d.getProperties(), d.getBody())), tag -> { });
    }

    public Delivery next(long timeoutMillis) throws InterruptedException {
        return received.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public List<Delivery> drain() {
        List<Delivery> all = new ArrayList<>();
        received.drainTo(all);
        return all;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
