package health.caravan.support;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * The external FHIR server of the push tests: a HAPI {@link RestfulServer} in Jetty that accepts
 * transaction Bundles of conditional updates ({@code PUT Type?identifier=system|value}), keeps the latest
 * resource per condition, can be made to fail ({@link #failNext}) and refuses a Patient named REFUSED (422).
 */
public final class RecordingFhirServer implements AutoCloseable {

    public final List<Bundle> transactions = new CopyOnWriteArrayList<>();
    /** Latest resource per conditional URL, e.g. {@code Patient?identifier=urn:caravan:mrn|1001}. */
    public final Map<String, Resource> resources = new ConcurrentHashMap<>();
    public final AtomicInteger failNext = new AtomicInteger();
    public final AtomicInteger calls = new AtomicInteger();
    private final Server server;

    public RecordingFhirServer() throws Exception {
        RestfulServer fhir = new RestfulServer(FhirContext.forR4Cached());
        fhir.registerProvider(this);
        server = new Server(0);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(fhir), "/fhir/*");
        server.setHandler(context);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/fhir";
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle bundle) {
        calls.incrementAndGet();
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new InternalErrorException("FHIR server temporarily failing");
        }
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            if (e.getResource() instanceof Patient p
                    && p.getName().stream().map(HumanName::getFamily).anyMatch("REFUSED"::equals)) {
                throw new UnprocessableEntityException("Patient refused");
            }
        }
        transactions.add(bundle);
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            String url = URLDecoder.decode(e.getRequest().getUrl(), StandardCharsets.UTF_8);
            boolean created = resources.put(url, e.getResource()) == null;
            response.addEntry().getResponse().setStatus(created ? "201 Created" : "200 OK");
        }
        return response;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
