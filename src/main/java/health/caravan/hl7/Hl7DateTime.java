package health.caravan.hl7;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * HL7 v2 DTM values ({@code YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]}).
 *
 * <p>DST policy: a value without an offset is read in the configured zone with java.time's rules:
 * in an autumn overlap the earlier (summer) offset is used, and a time in the spring gap is moved
 * forward by the length of the gap. (The Polaris connector used pytz with {@code is_dst=False}, which
 * picks the standard offset in both cases; the two differ only inside those hours.)
 */
public final class Hl7DateTime {

    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;

    private Hl7DateTime() {
    }

    /** A parsed DTM: local date-time plus the offset given in the value (null when it had none). */
    public record Parsed(LocalDateTime local, ZoneOffset offset) {
        /** Attaches the offset of the value, or the zone's offset when the value had none. */
        public OffsetDateTime in(ZoneId zone) {
            if (offset != null) {
                return local.atOffset(offset);
            }
            return ZonedDateTime.ofLocal(local, zone, null).toOffsetDateTime();
        }
    }

    /**
     * Parses a DTM value.
     *
     * @throws DateTimeException when the value is not a valid DTM (e.g. {@code 000000000000})
     */
    public static Parsed parse(String value) {
        if (value == null) {
            throw new DateTimeException("no value");
        }
        String v = value.strip();
        ZoneOffset offset = null;
        int sign = Math.max(v.indexOf('+'), v.indexOf('-'));
        if (sign >= 0) {
            String zone = v.substring(sign);
            v = v.substring(0, sign);
            if (!zone.matches("[+-]\\d{4}")) {
                throw new DateTimeException("invalid offset");
            }
            offset = ZoneOffset.ofHoursMinutes(Integer.parseInt(zone.substring(0, 3)),
                    (zone.charAt(0) == '-' ? -1 : 1) * Integer.parseInt(zone.substring(3, 5)));
        }
        int nanos = 0;
        int dot = v.indexOf('.');
        if (dot >= 0) {
            String fraction = v.substring(dot + 1);
            v = v.substring(0, dot);
            if (fraction.isEmpty() || fraction.length() > 4 || !fraction.chars().allMatch(Character::isDigit) || v.length() != 14) {
                throw new DateTimeException("invalid fraction");
            }
            nanos = Integer.parseInt((fraction + "000000000").substring(0, 9));
        }
        if (!v.chars().allMatch(Character::isDigit) || v.length() < 4 || v.length() > 14 || v.length() % 2 != 0) {
            throw new DateTimeException("invalid DTM precision");
        }
        int year = Integer.parseInt(v.substring(0, 4));
        int month = v.length() >= 6 ? Integer.parseInt(v.substring(4, 6)) : 1;
        int day = v.length() >= 8 ? Integer.parseInt(v.substring(6, 8)) : 1;
        int hour = v.length() >= 10 ? Integer.parseInt(v.substring(8, 10)) : 0;
        int minute = v.length() >= 12 ? Integer.parseInt(v.substring(10, 12)) : 0;
        int second = v.length() >= 14 ? Integer.parseInt(v.substring(12, 14)) : 0;
        return new Parsed(LocalDateTime.of(year, month, day, hour, minute, second, nanos), offset);
    }

    /** {@code YYYY-MM-DD} of the value's own date (no zone shift). */
    public static String isoDate(String value) {
        return parse(value).local().toLocalDate().format(DATE);
    }

    /** {@code YYYY-MM-DDTHH:MM:SS.mmm} plus {@code Z} for a zero offset, else {@code ±HH:MM}. */
    public static String isoDateTime(String value, ZoneId zone) {
        return format(parse(value).in(zone));
    }

    public static String format(OffsetDateTime time) {
        String offset = time.getOffset().getTotalSeconds() == 0 ? "Z" : time.getOffset().getId();
        return time.format(ISO_MILLIS) + offset;
    }

    public static LocalDate date(String value) {
        return parse(value).local().toLocalDate();
    }
}
