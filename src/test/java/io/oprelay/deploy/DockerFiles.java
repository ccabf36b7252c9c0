package io.oprelay.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads the files under {@code docker/} and the {@code .dockerignore} the way a Docker build reads them. */
final class DockerFiles {

    static final Path JVM = Path.of("docker", "Dockerfile.jvm");
    static final Path NATIVE = Path.of("docker", "Dockerfile.native");
    static final Path COMPOSE = Path.of("docker", "docker-compose.yml");
    static final Path DOCKERIGNORE = Path.of(".dockerignore");

    private DockerFiles() {
    }

    /** One instruction of a Dockerfile, continuation lines joined. */
    record Instruction(String keyword, String arguments) {
    }

    static List<Instruction> instructions(Path dockerfile) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : read(dockerfile).lines().toList()) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String[] parts = current.toString().split("\\s+", 2);
            instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
            current.setLength(0);
        }
        return instructions;
    }

    static List<String> arguments(Path dockerfile, String keyword) {
        return instructions(dockerfile).stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments)
                .toList();
    }

    /** Source paths of the COPY instructions (without flags; the last word is the destination). */
    static List<String> copySources(Path dockerfile) {
        List<String> sources = new ArrayList<>();
        for (String copy : arguments(dockerfile, "COPY")) {
            List<String> words = new ArrayList<>(List.of(copy.split("\\s+")));
            words.removeIf(word -> word.startsWith("--"));
            sources.addAll(words.subList(0, words.size() - 1));
        }
        return sources;
    }

    /**
     * Whether the build context keeps {@code path} (relative to the repository root): the last {@code .dockerignore}
     * pattern matching the path or one of its parent folders decides, {@code !} patterns keep.
     */
    static boolean inBuildContext(String path) {
        boolean kept = true;
        for (String line : read(DOCKERIGNORE).lines().map(String::strip).toList()) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean exception = line.startsWith("!");
            String pattern = (exception ? line.substring(1) : line).replaceAll("/+$", "");
            if (matchesOrParentMatches(pattern, path.replaceAll("/+$", ""))) {
                kept = exception;
            }
        }
        return kept;
    }

    private static boolean matchesOrParentMatches(String pattern, String path) {
        Pattern regex = glob(pattern);
        String candidate = path;
        while (true) {
            if (regex.matcher(candidate).matches()) {
                return true;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            candidate = candidate.substring(0, slash);
        }
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
