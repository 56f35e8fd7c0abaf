#!/usr/bin/env python3
"""Generates ccd-large.xml (~150 KB: 24 extra result organizers, 24 extra vital-sign organizers) from ccd-median.xml: the same header and sections plus many extra result
organizers (3 observations each) and vital-sign organizers (5 observations each), with unique ids and dates.
Run from this directory: python3 generate-large.py"""
import re

src = open("ccd-median.xml", encoding="utf-8").read()
src = src.replace('extension="TT988"', 'extension="TT988-LARGE"', 1)

results, vitals = [], []
for i in range(24):
    day = 1 + i % 28
    month = 1 + (i // 28) % 12
    ts = "2023%02d%02d0800%02d-0500" % (month, day, i % 60)
    obs = []
    for j, (code, name, value, unit, low, high) in enumerate([
            ("718-7", "Hemoglobin [Mass/volume] in Blood", 12.0 + (i % 30) / 10, "g/dL", "12.0", "16.0"),
            ("6690-2", "Leukocytes [#/volume] in Blood by Automated count", 4.0 + (i % 50) / 10, "10*3/uL", "4.0", "11.0"),
            ("2345-7", "Glucose [Mass/volume] in Serum or Plasma", 70 + i % 60, "mg/dL", "70", "99")]):
        interp = "H" if float(value) > float(high) else "N"
        obs.append(f'''        <component><observation classCode="OBS" moodCode="EVN">
          <templateId root="2.16.840.1.113883.10.20.22.4.2"/>
          <id root="2.16.840.1.113883.19.5.99999.7" extension="R-{i}-{j}"/>
          <code code="{code}" codeSystem="2.16.840.1.113883.6.1" displayName="{name}"/>
          <statusCode code="completed"/>
          <effectiveTime value="{ts}"/>
          <value xsi:type="PQ" value="{value:g}" unit="{unit}"/>
          <interpretationCode code="{interp}" codeSystem="2.16.840.1.113883.5.83"/>
          <referenceRange><observationRange><value xsi:type="IVL_PQ"><low value="{low}" unit="{unit}"/><high value="{high}" unit="{unit}"/></value></observationRange></referenceRange>
        </observation></component>''')
    results.append(f'''      <entry typeCode="DRIV"><organizer classCode="BATTERY" moodCode="EVN">
        <templateId root="2.16.840.1.113883.10.20.22.4.1"/>
        <id root="2.16.840.1.113883.19.5.99999.7" extension="R-{i}"/>
        <code code="24323-8" codeSystem="2.16.840.1.113883.6.1" displayName="Comprehensive metabolic 2000 panel"/>
        <statusCode code="completed"/>
        <effectiveTime value="{ts}"/>
{chr(10).join(obs)}
      </organizer></entry>''')
for i in range(24):
    day = 1 + i % 28
    month = 1 + (i // 28) % 12
    ts = "2023%02d%02d1000%02d-0500" % (month, day, i % 60)
    obs = []
    for j, (code, name, value, unit) in enumerate([
            ("8480-6", "Systolic blood pressure", 110 + i % 40, "mm[Hg]"),
            ("8462-4", "Diastolic blood pressure", 65 + i % 25, "mm[Hg]"),
            ("8867-4", "Heart rate", 55 + i % 45, "/min"),
            ("9279-1", "Respiratory rate", 12 + i % 10, "/min"),
            ("8310-5", "Body temperature", 36.5 + (i % 15) / 10, "Cel")]):
        obs.append(f'''        <component><observation classCode="OBS" moodCode="EVN">
          <templateId root="2.16.840.1.113883.10.20.22.4.27"/>
          <id root="2.16.840.1.113883.19.5.99999.8" extension="V-{i}-{j}"/>
          <code code="{code}" codeSystem="2.16.840.1.113883.6.1" displayName="{name}"/>
          <statusCode code="completed"/><effectiveTime value="{ts}"/>
          <value xsi:type="PQ" value="{value:g}" unit="{unit}"/>
        </observation></component>''')
    vitals.append(f'''      <entry typeCode="DRIV"><organizer classCode="CLUSTER" moodCode="EVN">
        <templateId root="2.16.840.1.113883.10.20.22.4.26"/>
        <id root="2.16.840.1.113883.19.5.99999.8" extension="V-{i}"/>
        <code code="46680005" codeSystem="2.16.840.1.113883.6.96" displayName="Vital signs"/>
        <statusCode code="completed"/>
        <effectiveTime value="{ts}"/>
{chr(10).join(obs)}
      </organizer></entry>''')

def append_entries(doc, template, entries):
    start = doc.index(f'<templateId root="{template}"')
    end = doc.index("</section>", start)
    return doc[:end] + "\n".join(entries) + "\n    " + doc[end:]

src = append_entries(src, "2.16.840.1.113883.10.20.22.2.3.1", results)
src = append_entries(src, "2.16.840.1.113883.10.20.22.2.4.1", vitals)
open("ccd-large.xml", "w", encoding="utf-8").write(src)
print(len(src.encode("utf-8")), "bytes")
