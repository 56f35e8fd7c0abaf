package health.caravan.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.RenameDetector;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Walks a commit's tree (not the working copy) and finds the sections and examples: a top-level folder
 * is a section (with or without a readme, so Documents is one); any deeper folder holding a readme
 * (matched case-insensitively) is an example, so Documents/CCD/CCD 1 is found three levels down.
 */
public final class LibraryScanner {

    /** What the scan found, before permalinks are reconciled. */
    public record Scan(String commit, java.time.Instant commitTime, List<Example> examples, Map<String, String> sectionReadmes) {
    }

    private LibraryScanner() {
    }

    public static Scan scan(Repository repo, ObjectId commitId) throws IOException {
        Map<String, Map<String, ObjectId>> filesByDir = new TreeMap<>();
        Set<String> dirs = new HashSet<>();
        RevCommit commit;
        try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
            commit = walk.parseCommit(commitId);
            tree.addTree(commit.getTree());
            tree.setRecursive(false);
            while (tree.next()) {
                String path = tree.getPathString();
                if (tree.getNameString().startsWith(".")) {
                    continue;                                   // .git, .github, dot files
                }
                if (tree.isSubtree()) {
                    dirs.add(path);
                    tree.enterSubtree();
                } else if (tree.getFileMode(0) != FileMode.GITLINK) {
                    int slash = path.lastIndexOf('/');
                    String dir = slash < 0 ? "" : path.substring(0, slash);
                    filesByDir.computeIfAbsent(dir, k -> new LinkedHashMap<>()).put(tree.getNameString(), tree.getObjectId(0));
                }
            }
        }
        Map<String, String> sectionReadmes = new TreeMap<>();
        List<Example> examples = new ArrayList<>();
        try (ObjectReader reader = repo.newObjectReader()) {
            for (String dir : dirs) {
                if (!dir.contains("/")) {
                    Map<String, ObjectId> files = filesByDir.getOrDefault(dir, Map.of());
                    String readme = readmeName(files);
                    sectionReadmes.put(dir, readme == null ? null : text(reader, files.get(readme)));
                }
            }
            for (Map.Entry<String, Map<String, ObjectId>> entry : filesByDir.entrySet()) {
                String dir = entry.getKey();
                String readme = readmeName(entry.getValue());
                if (readme == null || !dir.contains("/")) {
                    continue;
                }
                String text = text(reader, entry.getValue().get(readme));
                List<ExampleFile> files = new ArrayList<>();
                entry.getValue().forEach((name, id) -> {
                    if (!name.equals(readme)) {
                        try {
                            files.add(new ExampleFile(name, id.name(), reader.getObjectSize(id, org.eclipse.jgit.lib.Constants.OBJ_BLOB)));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
                files.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
                ExampleMetadata metadata = ReadmeParser.parse(text);
                String section = dir.substring(0, dir.indexOf('/'));
                String name = dir.substring(dir.lastIndexOf('/') + 1);
                examples.add(new Example(dir, section, name, readme, text, metadata, List.copyOf(files), null, false,
                        metadata.warnings()));
            }
        }
        examples.sort((a, b) -> a.path().compareTo(b.path()));
        return new Scan(commit.name(), java.time.Instant.ofEpochSecond(commit.getCommitTime()), examples, sectionReadmes);
    }

    /**
     * Example folders renamed between two commits (old folder → new folder), found by Git's rename
     * detection on their readmes; used to carry Caravan-assigned permalinks that are not yet in a README.
     */
    public static Map<String, String> renamedFolders(Repository repo, String fromCommit, String toCommit) throws IOException {
        Map<String, String> renames = new HashMap<>();
        if (fromCommit == null || fromCommit.equals(toCommit)) {
            return renames;
        }
        try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
            tree.addTree(walk.parseCommit(ObjectId.fromString(fromCommit)).getTree());
            tree.addTree(walk.parseCommit(ObjectId.fromString(toCommit)).getTree());
            tree.setRecursive(true);
            RenameDetector detector = new RenameDetector(repo);
            detector.addAll(DiffEntry.scan(tree));
            for (DiffEntry d : detector.compute()) {
                if (d.getChangeType() == DiffEntry.ChangeType.RENAME && isReadme(d.getNewPath()) && isReadme(d.getOldPath())) {
                    renames.put(parent(d.getOldPath()), parent(d.getNewPath()));
                }
            }
        } catch (IllegalArgumentException | org.eclipse.jgit.errors.MissingObjectException e) {
            // the previous commit is gone (history rewritten): nothing to carry over
        }
        return renames;
    }

    /** The bytes of a blob. */
    public static byte[] read(Repository repo, String blobId) throws IOException {
        return repo.open(ObjectId.fromString(blobId), org.eclipse.jgit.lib.Constants.OBJ_BLOB).getBytes(64 * 1024 * 1024);
    }

    private static String readmeName(Map<String, ObjectId> files) {
        for (String name : files.keySet()) {
            if (isReadme(name)) {
                return name;
            }
        }
        return null;
    }

    static boolean isReadme(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.equalsIgnoreCase("readme.md");
    }

    private static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    private static String text(ObjectReader reader, ObjectId id) throws IOException {
        String s = new String(reader.open(id).getBytes(), StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
