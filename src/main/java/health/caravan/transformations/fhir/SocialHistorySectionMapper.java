package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.Reference;
import org.w3c.dom.Element;

/**
 * Social history section (2.16.840.1.113883.10.20.22.2.17): every observation entry (Smoking Status 72166-2, Tobacco
 * Use, Social History Observation, Birth Sex, ...) → Observation with category social-history; the value is carried
 * as coded, quantity or string by {@link ObservationFactory}.
 */
final class SocialHistorySectionMapper implements SectionMapper {

    @Override
    public List<Reference> map(Element section, ConversionContext ctx) {
        List<Reference> refs = new ArrayList<>();
        for (Element statement : SectionMapper.entries(section)) {
            if ("observation".equals(statement.getLocalName())) {
                refs.add(ctx.addFor(ObservationFactory.observation(statement, "social-history", ctx), statement));
            }
        }
        return refs;
    }
}
