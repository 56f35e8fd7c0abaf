package health.caravan.extract;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The ReqCheck API (reference part A) as a real HTTP server for tests: HTTP Basic ({@code 401 HTTP Basic:
 * Access denied.}), the heartbeat (earlier of the last patient and last dose import, Central time), the
 * per-row validation rules and messages, patient upsert, per-patient delete-and-reinsert of doses, and
 * the 201 success / partial_failure and 400 key-missing answers.
 */
final class ReqCheckStub implements AutoCloseable {

    static final String USER = "test";
    static final String PASSWORD = "test";
    private static final Set<String> PATIENT_KEYS = Set.of("patient_number", "first_name", "last_name", "dob",
            "hd_mpfile_updated_at", "address", "address2", "city", "state", "zip_code", "cell_phone", "home_phone",
            "race", "ethnicity", "email", "gender", "family_number", "notes");
    private static final Set<String> DOSE_KEYS = Set.of("patient_number", "cvx_code", "date_administered",
            "hd_imfile_updated_at", "vaccine_code", "hd_description", "provider_code", "dosage", "mvx_code", "lot_number",
            "hd_encounter_id", "vfc_code", "vfc_description", "given_by", "injection_site", "history_flag",
            "expiration_date", "comments", "patient_id");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final AtomicInteger importIds = new AtomicInteger();
    private final AtomicInteger errorIds = new AtomicInteger();
    volatile OffsetDateTime lastPatientImport;
    volatile OffsetDateTime lastDoseImport;
    final Map<String, JsonNode> patients = new ConcurrentHashMap<>();
    final Map<String, List<JsonNode>> doses = new ConcurrentHashMap<>();
    /** patient numbers of each dose batch received, in order. */
    final List<List<String>> doseBatches = new CopyOnWriteArrayList<>();
    final List<Integer> patientBatchSizes = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    /** HTTP statuses to answer the next import requests with, before handling them normally. */
    final java.util.Queue<Integer> failNext = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** HTTP statuses to answer the next heartbeats with, before answering normally. */
    final java.util.Queue<Integer> heartbeatFailNext = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final AtomicInteger heartbeats = new AtomicInteger();

    ReqCheckStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/heartbeat", this::heartbeat);
        server.createContext("/patient_data", this::patientData);
        server.createContext("/vaccine_dose_data", this::doseData);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private boolean authorised(HttpExchange x) throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes());
        if (expected.equals(x.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        send(x, 401, "HTTP Basic: Access denied.\n");
        return false;
    }

    private void heartbeat(HttpExchange x) throws IOException {
        if (!authorised(x)) {
            return;
        }
        heartbeats.incrementAndGet();
        Integer status = heartbeatFailNext.poll();
        if (status != null) {
            x.getRequestBody().readAllBytes();
            send(x, status, "{\"status\":\"unavailable\"}");
            return;
        }
        OffsetDateTime last = lastPatientImport == null ? lastDoseImport
                : lastDoseImport == null ? lastPatientImport
                : lastPatientImport.isBefore(lastDoseImport) ? lastPatientImport : lastDoseImport;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("last_update_date", last == null ? null
                : last.atZoneSameInstant(ZoneId.of("America/Chicago")).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx")));
        body.put("last_update_date_timestamp", last == null ? null : last.toEpochSecond());
        send(x, 200, json.writeValueAsString(body));
    }

    private boolean scriptedFailure(HttpExchange x) throws IOException {
        Integer status = failNext.poll();
        if (status == null) {
            return false;
        }
        x.getRequestBody().readAllBytes();
        send(x, status, status == 400 ? "{\"status\":\"patient_data key missing\"}" : "{\"status\":\"unavailable\"}");
        return true;
    }

    private void patientData(HttpExchange x) throws IOException {
        if (!authorised(x) || scriptedFailure(x)) {
            return;
        }
        JsonNode rows = json.readTree(x.getRequestBody()).get("patient_data");
        if (rows == null || !rows.isArray() || rows.isEmpty()) {
            send(x, 400, "{\"status\":\"patient_data key missing\"}");
            return;
        }
        lastPatientImport = OffsetDateTime.now();
        patientBatchSizes.add(rows.size());
        List<Integer> failed = new ArrayList<>();
        for (JsonNode row : rows) {
            String error = null;
            if (!row.has("hd_mpfile_updated_at")) {
                error = "Missing arguments [\"hd_mpfile_updated_at\"] for Patient";
            } else {
                List<String> missing = new ArrayList<>();
                for (String k : List.of("patient_number", "dob", "first_name", "last_name")) {
                    if (!row.has(k)) {
                        missing.add("\"" + k + "\"");
                    }
                }
                if (!missing.isEmpty()) {
                    error = "Missing arguments " + missing + " for Patient";
                } else if (extraneous(row, PATIENT_KEYS) != null) {
                    error = "Extraneous arguments " + extraneous(row, PATIENT_KEYS) + " for Patient";
                } else if (!positiveInteger(row.get("patient_number").asText())) {
                    error = "Patient number must be greater than 0";
                }
            }
            if (error == null) {
                patients.put(row.get("patient_number").asText(), row);
            } else {
                errors.add(error);
                failed.add(errorIds.incrementAndGet());
            }
        }
        respond(x, failed);
    }

    private void doseData(HttpExchange x) throws IOException {
        if (!authorised(x)) {
            return;
        }
        JsonNode rows = json.readTree(x.getRequestBody()).get("vaccine_dose_data");
        if (rows == null || !rows.isArray() || rows.isEmpty()) {
            send(x, 400, "{\"status\":\"vaccine_dose_data key missing\"}");
            return;
        }
        lastDoseImport = OffsetDateTime.now();
        Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
        List<Integer> failed = new ArrayList<>();
        for (JsonNode row : rows) {
            if (!row.has("patient_number")) {
                errors.add("Missing arguments [\"patient_number\"] for VaccineDose");
                failed.add(errorIds.incrementAndGet());
                continue;
            }
            groups.computeIfAbsent(row.get("patient_number").asText(), k -> new ArrayList<>()).add(row);
        }
        doseBatches.add(new ArrayList<>(groups.keySet()));
        for (Map.Entry<String, List<JsonNode>> g : groups.entrySet()) {
            List<JsonNode> stored = new ArrayList<>();
            for (JsonNode row : g.getValue()) {
                String error = null;
                for (String k : List.of("hd_imfile_updated_at", "cvx_code", "date_administered")) {
                    if (error == null && !row.has(k)) {
                        error = "Missing arguments [\"" + k + "\"] for VaccineDose";
                    }
                }
                if (error == null && extraneous(row, DOSE_KEYS) != null) {
                    error = "Extraneous arguments " + extraneous(row, DOSE_KEYS) + " for VaccineDose";
                }
                if (error == null) {
                    stored.add(row);
                } else {
                    errors.add(error);
                    failed.add(errorIds.incrementAndGet());
                }
            }
            doses.put(g.getKey(), stored); // delete the patient's doses, then insert these
        }
        respond(x, failed);
    }

    private static String extraneous(JsonNode row, Set<String> allowed) {
        List<String> extra = new ArrayList<>();
        for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                extra.add(":" + k);
            }
        }
        return extra.isEmpty() ? null : extra.toString();
    }

    private static boolean positiveInteger(String s) {
        try {
            return Long.parseLong(s) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void respond(HttpExchange x, List<Integer> failed) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", failed.isEmpty() ? "success" : "partial_failure");
        body.put("data_import_id", importIds.incrementAndGet());
        if (!failed.isEmpty()) {
            body.put("error_objects_ids", failed);
        }
        send(x, 201, json.writeValueAsString(body));
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
