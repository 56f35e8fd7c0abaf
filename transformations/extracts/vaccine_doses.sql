-- The COMPLETE dose history of every patient with a dose changed since the last import: ReqCheck
-- deletes a patient's doses and re-inserts what it receives. Ordered by patient_number so that
-- Caravan can keep each patient's doses in one batch ("keep_together").
SELECT d.patient_number, d.cvx_code, d.vaccine_code, d.date_administered,
       d.updated_at AS hd_imfile_updated_at, d.lot_number, d.history_flag
FROM extract_src.vaccine_doses d
WHERE d.patient_number IN (SELECT patient_number FROM extract_src.vaccine_doses WHERE updated_at >= ?)
ORDER BY d.patient_number, d.date_administered, d.id
