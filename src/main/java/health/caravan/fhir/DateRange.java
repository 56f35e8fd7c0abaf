package health.caravan.fhir;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hl7.fhir.r4.model.BaseDateTimeType;

/**
 * The instant range a FHIR date or dateTime covers, by its precision: {@code 2017} is the whole year,
 * {@code 2017-07-31T14:13:00+01:00} one second. {@code high} is exclusive. A date without a time is read
 * in UTC.
 */
public record DateRange(Instant low, Instant high) {

    private static final Pattern FORMAT = Pattern.compile(
            "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?)?)?");

    public static DateRange of(BaseDateTimeType value) {
        return parse(value.getValueAsString());
    }

    /** @throws IllegalArgumentException when the text is not a FHIR date or dateTime (time needs a zone) */
    public static DateRange parse(String text) {
        // an unencoded "+" of an offset arrives as a space
        text = text == null ? "" : text.replace(' ', '+');
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a FHIR date or dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss]+zz:zz)");
        }
        try {
            int year = Integer.parseInt(m.group(1));
            if (m.group(2) == null) {
                LocalDate d = LocalDate.of(year, 1, 1);
                return days(d, d.plusYears(1));
            }
            int month = Integer.parseInt(m.group(2));
            if (m.group(3) == null) {
                LocalDate d = LocalDate.of(year, month, 1);
                return days(d, d.plusMonths(1));
            }
            LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(3)));
            if (m.group(4) == null) {
                return days(day, day.plusDays(1));
            }
            ZoneOffset offset = ZoneOffset.of(m.group(8));
            OffsetDateTime t = day.atTime(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))).atOffset(offset);
            if (m.group(6) == null) {
                return new DateRange(t.toInstant(), t.plusMinutes(1).toInstant());
            }
            t = t.withSecond(Integer.parseInt(m.group(6)));
            if (m.group(7) == null) {
                return new DateRange(t.toInstant(), t.plusSeconds(1).toInstant());
            }
            Instant exact = OffsetDateTime.parse(text).toInstant();
            return new DateRange(exact, exact.plus(1, ChronoUnit.MILLIS));
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("not a valid date: " + e.getMessage());
        }
    }

    private static DateRange days(LocalDate from, LocalDate to) {
        return new DateRange(from.atStartOfDay().toInstant(ZoneOffset.UTC), to.atStartOfDay().toInstant(ZoneOffset.UTC));
    }
}
