<#ftl output_format="XML" strip_whitespace=true>
<#-- C-CDA R2.1 Progress Note with a Vital Signs section, built from a Polaris observation set.
     Edit freely: the model is described in transformations/cda/README.md. Caravan checks every
     document it builds against the CDA R2 SDTC schema. -->
<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sdtc="urn:hl7-org:sdtc">
  <realmCode code="${realm}"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <!-- US Realm Header (V3) and Progress Note (V3) -->
  <templateId root="2.16.840.1.113883.10.20.22.1.1" extension="2015-08-01"/>
  <templateId root="2.16.840.1.113883.10.20.22.1.9" extension="2015-08-01"/>
  <id root="${idRoot}" extension="${document.id}"/>
  <code code="11506-3" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="Progress note"/>
  <title>${document.title}</title>
  <effectiveTime value="${document.time}"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <languageCode code="${language}"/>
  <recordTarget>
    <patientRole>
<#list patient.ids as id>
      <id root="${id.root}" extension="${id.value}" assigningAuthorityName="${id.authority}"/>
</#list>
<#if !patient.ids?has_content>
      <id nullFlavor="UNK"/>
</#if>
      <patient>
        <name><given>${patient.given}</given><family>${patient.family}</family></name>
        <administrativeGenderCode code="${patient.gender}" codeSystem="2.16.840.1.113883.5.1"/>
<#if patient.birthTime?has_content>
        <birthTime value="${patient.birthTime}"/>
<#else>
        <birthTime nullFlavor="UNK"/>
</#if>
      </patient>
    </patientRole>
  </recordTarget>
  <author>
    <time value="${document.time}"/>
    <assignedAuthor>
<#if clinician??>
      <id root="${idRoot}" extension="${clinician.id}"/>
      <assignedPerson><name><given>${clinician.given}</given><family>${clinician.family}</family></name></assignedPerson>
<#else>
      <id nullFlavor="NA"/>
      <assignedAuthoringDevice><softwareName>Caravan</softwareName></assignedAuthoringDevice>
</#if>
    </assignedAuthor>
  </author>
  <custodian>
    <assignedCustodian>
      <representedCustodianOrganization>
        <id root="${idRoot}" extension="${custodian.id}"/>
        <name>${custodian.name}</name>
      </representedCustodianOrganization>
    </assignedCustodian>
  </custodian>
<#if encounter??>
  <componentOf>
    <encompassingEncounter>
      <id root="${idRoot}" extension="${encounter.id}"/>
      <effectiveTime>
<#if encounter.admitted?has_content>
        <low value="${encounter.admitted}"/>
<#else>
        <low nullFlavor="UNK"/>
</#if>
      </effectiveTime>
<#if encounter.location?has_content>
      <location><healthCareFacility><id root="${idRoot}" extension="${encounter.location}"/></healthCareFacility></location>
</#if>
    </encompassingEncounter>
  </componentOf>
</#if>
  <component>
    <structuredBody>
      <component>
<#assign hasEntries = vitals?has_content || score??>
        <section<#if !hasEntries> nullFlavor="NI"</#if>>
          <!-- Vital Signs Section (entries required) (V3); nullFlavor NI when nothing was recorded -->
          <templateId root="2.16.840.1.113883.10.20.22.2.4.1" extension="2015-08-01"/>
          <code code="8716-3" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="Vital signs"/>
          <title>Vital Signs</title>
          <text>
<#if !hasEntries>
            <paragraph>No vital signs recorded</paragraph>
<#else>
            <table border="1" width="100%">
              <thead><tr><th>Observation</th><th>Value</th><th>Measured</th></tr></thead>
              <tbody>
<#list vitals as v>
                <tr ID="${v.ref}"><td>${v.display}</td><td>${v.text}</td><td>${v.timeText}</td></tr>
</#list>
<#if score??>
                <tr ID="score"><td>${score.display}</td><td>${score.value}<#if score.severity?has_content> (${score.severity})</#if></td><td>${document.recordTimeText}</td></tr>
</#if>
              </tbody>
            </table>
</#if>
          </text>
<#if hasEntries>
          <entry typeCode="DRIV">
            <organizer classCode="CLUSTER" moodCode="EVN">
              <!-- Vital Signs Organizer (V3) -->
              <templateId root="2.16.840.1.113883.10.20.22.4.26" extension="2015-08-01"/>
              <id root="${idRoot}" extension="${document.setId}"/>
              <code code="46680005" codeSystem="2.16.840.1.113883.6.96" codeSystemName="SNOMED CT" displayName="Vital signs"/>
              <statusCode code="completed"/>
              <effectiveTime value="${document.recordTime}"/>
<#list vitals as v>
              <component>
                <observation classCode="OBS" moodCode="EVN">
                  <!-- Vital Sign Observation (V2) -->
                  <templateId root="2.16.840.1.113883.10.20.22.4.27" extension="2014-06-09"/>
                  <id root="${idRoot}" extension="${v.id}"/>
                  <code code="${v.code}" codeSystem="${v.codeSystem}" displayName="${v.display}"/>
                  <text><reference value="#${v.ref}"/></text>
                  <statusCode code="completed"/>
                  <effectiveTime value="${v.time}"/>
<#if v.value?has_content>
                  <value xsi:type="PQ" value="${v.value}" unit="${v.unit}"/>
<#else>
                  <value xsi:type="PQ" nullFlavor="NA"/>
</#if>
                </observation>
              </component>
</#list>
<#if score??>
              <component>
                <observation classCode="OBS" moodCode="EVN">
                  <id root="${idRoot}" extension="${document.setId}-score"/>
                  <code code="1104051000000101" codeSystem="2.16.840.1.113883.6.96" codeSystemName="SNOMED CT" displayName="${score.display}"/>
                  <text><reference value="#score"/></text>
                  <statusCode code="completed"/>
                  <effectiveTime value="${document.recordTime}"/>
                  <value xsi:type="INT" value="${score.value}"/>
                </observation>
              </component>
</#if>
            </organizer>
          </entry>
</#if>
        </section>
      </component>
    </structuredBody>
  </component>
</ClinicalDocument>
