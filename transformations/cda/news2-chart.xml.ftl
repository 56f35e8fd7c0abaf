<#ftl output_format="XML" strip_whitespace=true>
<#-- The Polaris "NEWS2 Chart" document (reference §10): CDA R2 header, nonXMLBody pointing at the
     SEND PDF chart. Same model as news2-vital-signs.xml.ftl plus pdfReference. -->
<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" classCode="DOCCLIN" moodCode="EVN">
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <id root="2.16.840.1.113883.4" assigningAuthorityName="PAS" extension="${encounter???then(encounter.id, document.id)}"/>
  <code code="pdf-cda-news2-chart" codeSystem="OCI" codeSystemName="Case Notes" displayName="NEWS2 Chart"/>
  <title>NEWS2 Chart</title>
  <effectiveTime value="${document.time}"/>
  <confidentialityCode nullFlavor="NI"/>
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
        <administrativeGenderCode code="${patient.genderUk}" codeSystem="2.16.840.1.113883.2.1.3.2.4.16.25"/>
<#if patient.birthTime?has_content>
        <birthTime value="${patient.birthTime}"/>
</#if>
      </patient>
    </patientRole>
  </recordTarget>
  <author>
    <time value="${document.time}"/>
    <assignedAuthor>
<#if clinician??>
      <id root="${idRoot}" extension="${clinician.id}" assigningAuthorityName="SEND"/>
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
      <code code="${encounter.id}" codeSystem="PAS"/>
      <effectiveTime>
<#if encounter.admitted?has_content>
        <low value="${encounter.admitted}"/>
<#else>
        <low nullFlavor="UNK"/>
</#if>
      </effectiveTime>
    </encompassingEncounter>
  </componentOf>
</#if>
  <component>
    <nonXMLBody>
      <text mediaType="application/pdf" representation="TXT">${pdfReference}</text>
    </nonXMLBody>
  </component>
</ClinicalDocument>
