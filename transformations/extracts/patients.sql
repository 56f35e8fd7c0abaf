-- Patients changed since the last ReqCheck import (bound to ?). Column names are what
-- patient.template.json reads. This sample runs on the schema the tests seed (extract_src);
-- adapt it to your clinical database (SQL Server sites: same shape, T-SQL is fine).
SELECT patient_number, first_name, last_name, dob, updated_at AS hd_mpfile_updated_at,
       address, city, state, zip_code, gender, family_number
FROM extract_src.patients
WHERE updated_at >= ?
ORDER BY patient_number
