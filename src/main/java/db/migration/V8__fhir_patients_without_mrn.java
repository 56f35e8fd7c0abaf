package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import ca.uhn.fhir.context.FhirContext;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.hl7.fhir.r4.model.Patient;

import health.caravan.fhir.SearchIndex;

/**
 * Stored Patients without an MRN get the internal {@code identifier-without-mrn} index entries that new
 * versions get from {@link SearchIndex}, so the projection finds them by NHS number in one lookup.
 */
public class V8__fhir_patients_without_mrn extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        FhirContext fhir = null;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, content FROM fhir_resource WHERE resource_type = 'Patient'");
             PreparedStatement insert = c.prepareStatement("INSERT INTO fhir_search (resource_type, resource_id, name, "
                     + "value_text, value_low, value_high) VALUES ('Patient', ?, ?, ?, NULL, NULL)")) {
            while (rs.next()) {
                fhir = fhir == null ? FhirContext.forR4Cached() : fhir;
                Patient p = fhir.newJsonParser().parseResource(Patient.class, rs.getString(2));
                for (SearchIndex.Row row : SearchIndex.rows(p)) {
                    if (SearchIndex.WITHOUT_MRN.equals(row.name())) {
                        insert.setString(1, rs.getString(1));
                        insert.setString(2, row.name());
                        insert.setString(3, row.value());
                        insert.addBatch();
                    }
                }
            }
            insert.executeBatch();
        }
    }
}
