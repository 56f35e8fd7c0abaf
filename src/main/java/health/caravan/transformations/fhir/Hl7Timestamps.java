package health.caravan.transformations.fhir;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Type;
import org.w3c.dom.Element;

/**
 * HL7 v3 TS ({@code YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]}) → FHIR date / dateTime with the same precision.
 *
 * <p>Choices (FHIR requires a zone on any dateTime that has a time):
 * <ul>
 * <li>a time with a zone keeps its time; missing minutes/seconds become {@code 00} (FHIR needs seconds);</li>
 * <li>a time <b>without</b> a zone keeps only the date (day precision): guessing a zone would invent data;</li>
 * <li>invalid values (bad month/day, garbage) and nullFlavors give {@code null}: the element is omitted;</li>
 * <li>strings are built directly (never through {@code java.util.Date}), so the output does not depend on the
 * JVM's default zone and is deterministic.</li>
 * </ul>
 */
final class Hl7Timestamps {

    private static final Pattern TS = Pattern.compile(
            "(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\.\\d{1,9})?([+-]\\d{2}(?:\\d{2})?)?");

    private Hl7Timestamps() {
    }

    private record Parts(String year, String month, String day, String hour, String minute, String second,
            String fraction, String zone) {

        String date() {
            StringBuilder b = new StringBuilder(year);
            if (month != null) {
                b.append('-').append(month);
                if (day != null) {
                    b.append('-').append(day);
                }
            }
            return b.toString();
        }

        String zoneIso() {
            if (zone == null) {
                return null;
            }
            String hh = zone.substring(0, 3);
            String mm = zone.length() >= 5 ? zone.substring(3, 5) : "00";
            return hh + ":" + mm;
        }

        String dateTime() {
            if (hour == null || zone == null || day == null) {
                return date();
            }
            return date() + "T" + hour + ":" + (minute == null ? "00" : minute) + ":" + (second == null ? "00" : second)
                    + (second != null && fraction != null ? fraction : "") + zoneIso();
        }
    }

    private static Parts parse(String ts) {
        if (ts == null) {
            return null;
        }
        Matcher m = TS.matcher(ts.trim());
        if (!m.matches()) {
            return null;
        }
        Parts p = new Parts(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7),
                m.group(8));
        try {
            int year = Integer.parseInt(p.year);
            int month = p.month == null ? 1 : Integer.parseInt(p.month);
            int day = p.day == null ? 1 : Integer.parseInt(p.day);
            LocalDate.of(year, month, day);
            if (p.hour != null && (Integer.parseInt(p.hour) > 23 || (p.minute != null && Integer.parseInt(p.minute) > 59)
                    || (p.second != null && Integer.parseInt(p.second) > 59))) {
                return null;
            }
            if (p.zone != null && (Integer.parseInt(p.zone.substring(1, 3)) > 14
                    || (p.zone.length() >= 5 && Integer.parseInt(p.zone.substring(3, 5)) > 59))) {
                return null;
            }
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
        return p;
    }

    /** TS string → FHIR dateTime, or null. */
    static DateTimeType dateTime(String ts) {
        Parts p = parse(ts);
        return p == null ? null : new DateTimeType(p.dateTime());
    }

    /** The {@code value} of a TS element → FHIR dateTime, or null (nullFlavor, no value, invalid). */
    static DateTimeType dateTime(Element ts) {
        if (ts == null || CdaXml.hasNullFlavor(ts)) {
            return null;
        }
        return dateTime(CdaXml.attr(ts, "value"));
    }

    /** The {@code value} of a TS element → FHIR date (at most day precision), or null. */
    static DateType date(Element ts) {
        if (ts == null || CdaXml.hasNullFlavor(ts)) {
            return null;
        }
        Parts p = parse(CdaXml.attr(ts, "value"));
        return p == null ? null : new DateType(p.date());
    }

    /**
     * An instant for Bundle.timestamp (which must have seconds and a zone): the time when it has a zone, else the
     * date at 00:00:00Z.
     */
    static InstantType instant(Element ts) {
        if (ts == null || CdaXml.hasNullFlavor(ts)) {
            return null;
        }
        Parts p = parse(CdaXml.attr(ts, "value"));
        if (p == null) {
            return null;
        }
        if (p.hour != null && p.zone != null && p.day != null) {
            return new InstantType(p.dateTime());
        }
        String month = p.month == null ? "01" : p.month;
        String day = p.day == null ? "01" : p.day;
        return new InstantType(p.year + "-" + month + "-" + day + "T00:00:00Z");
    }

    /**
     * IVL_TS low/high → Period, or null when neither bound has a usable value. An end that precedes the start would
     * break per-1 (the validator reads a day-precision end as the start of that day, so {@code 2015-06-10} precedes
     * {@code 2015-06-10T10:00-05:00} too), and which bound is wrong cannot be told: the start is kept, the end element
     * carries no value, only the source's high as an originalText extension (still shown, never used as a date).
     */
    static Period period(Element ivl) {
        if (ivl == null) {
            return null;
        }
        DateTimeType start = dateTime(CdaXml.child(ivl, "low"));
        DateTimeType end = dateTime(CdaXml.child(ivl, "high"));
        if (start == null && end == null) {
            return null;
        }
        Period period = new Period();
        if (start != null) {
            period.setStartElement(start);
        }
        if (end != null) {
            if (start == null || !end.getValue().before(start.getValue())) {
                period.setEndElement(end);
            } else {
                period.getEndElement().addExtension(CdaDataTypes.originalText(CdaXml.attr(CdaXml.child(ivl, "high"), "value")));
            }
        }
        return period;
    }

    /**
     * An effectiveTime as a FHIR choice: {@code @value} (or {@code center}) → dateTime; low/high → Period, or just
     * the low as a dateTime when {@code preferDateTimeForLow} and there is no high. Null when nothing usable.
     */
    static Type effective(Element time, boolean preferDateTimeForLow) {
        if (time == null) {
            return null;
        }
        DateTimeType value = dateTime(time);
        if (value != null) {
            return value;
        }
        DateTimeType center = dateTime(CdaXml.child(time, "center"));
        if (center != null) {
            return center;
        }
        Period p = period(time);
        if (p == null) {
            return null;
        }
        if (preferDateTimeForLow && p.hasStart() && !p.hasEnd()) {
            return p.getStartElement();
        }
        return p;
    }

    /** The start of an effectiveTime: {@code @value} or {@code low}. */
    static DateTimeType start(Element time) {
        if (time == null) {
            return null;
        }
        DateTimeType value = dateTime(time);
        return value != null ? value : dateTime(CdaXml.child(time, "low"));
    }
}
