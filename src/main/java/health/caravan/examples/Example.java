package health.caravan.examples;

import java.util.List;

/**
 * One example folder at a commit.
 *
 * @param path        folder path in the repository, e.g. "Allergies/Allergy to food egg" or "Documents/CCD/CCD 1"
 * @param section     the top-level folder
 * @param name        the folder name
 * @param readmeName  the README's file name as written (README.md, Readme.MD, ...)
 * @param permalinkId the example's permalink (from its README, or assigned by Caravan); null when it has
 *                    none it can use (a duplicate id owned by another example)
 * @param permalinkInReadme whether the README itself carries {@code permalinkId}
 */
public record Example(String path, String section, String name, String readmeName, String readme,
                      ExampleMetadata metadata, List<ExampleFile> files, String permalinkId, boolean permalinkInReadme,
                      List<String> warnings) {

    /** The folders between the section and the example ("CCD" for Documents/CCD/CCD 1), or "". */
    public String group() {
        String middle = path.substring(section.length());
        int last = middle.lastIndexOf('/');
        return last <= 0 ? "" : middle.substring(1, last);
    }

    /** Text the search looks in: name, comments, keywords, template OIDs and names, custodian. */
    String searchText() {
        StringBuilder sb = new StringBuilder(name).append('\n');
        metadata.comments().forEach(c -> sb.append(c).append('\n'));
        metadata.keywords().forEach(k -> sb.append(k).append('\n'));
        metadata.templates().forEach(t -> sb.append(t.name()).append(' ').append(t.oid()).append('\n'));
        if (metadata.custodian() != null) {
            sb.append(metadata.custodian());
        }
        return sb.toString().toLowerCase(java.util.Locale.ROOT);
    }

    public Example withPermalink(String id, boolean inReadme, List<String> moreWarnings) {
        List<String> all = new java.util.ArrayList<>(warnings);
        all.addAll(moreWarnings);
        return new Example(path, section, name, readmeName, readme, metadata, files, id, inReadme, List.copyOf(all));
    }
}
