package io.oprelay.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration reference as the docs write it. The convention (stated in docs/architecture.md, under the package
 * table): a configuration table is a Markdown table whose first header cell is {@code key}; each of its rows
 * documents the backticked keys of its first cell ({@code `relay.a`, `relay.b`} documents two), map keys written
 * {@code relay.feeds."<name>".operator-id}. When the table has a {@code default} column, a default that starts with a
 * backticked value states that value; anything else ("none", "unset", prose) states that the key has none. An
 * {@code env} column names the environment variable.
 */
final class DocumentedConfigKeys {

    private static final Pattern CODE = Pattern.compile("`([^`]*)`");
    private static final Pattern LINK = Pattern.compile("\\]\\((docs/[^)#]+\\.md)[^)]*\\)");

    /** One documented key: where, and what its row says about its default and environment variable. */
    record Row(String key, String file, int line, Optional<String> defaultCell, Optional<String> envCell) {

        /** The default the row states: its default cell's first backticked value when the cell starts with one. */
        Optional<String> statedDefault() {
            return defaultCell.filter(cell -> cell.startsWith("`")).flatMap(DocumentedConfigKeys::firstCode);
        }

        /** The environment variable the row names, if it has an env column. */
        Optional<String> statedEnv() {
            return envCell.flatMap(DocumentedConfigKeys::firstCode);
        }

        String where() {
            return file + ":" + line;
        }
    }

    private DocumentedConfigKeys() {
    }

    /** The rows of the configuration tables of every {@code *.md} file in a folder. */
    static List<Row> in(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Row> rows = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                rows.addAll(parse(file.toString(), Files.readAllLines(file)));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows of the configuration tables of one Markdown text. */
    static List<Row> parse(String file, List<String> lines) {
        List<Row> rows = new ArrayList<>();
        List<String> header = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (!line.startsWith("|")) {
                header = null;
                continue;
            }
            List<String> cells = cells(line);
            if (header == null) {
                header = cells.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
                continue;
            }
            if (line.matches("\\|[\\s|:-]*\\|") || !header.get(0).equals("key")) {
                continue;
            }
            int defaultColumn = header.indexOf("default");
            int envColumn = header.indexOf("env");
            Matcher keys = CODE.matcher(cells.get(0));
            while (keys.find()) {
                rows.add(new Row(keys.group(1), file, i + 1, cell(cells, defaultColumn), cell(cells, envColumn)));
            }
        }
        return rows;
    }

    private static Optional<String> cell(List<String> cells, int column) {
        return column >= 0 && column < cells.size() ? Optional.of(cells.get(column)) : Optional.empty();
    }

    /** The cells of a table row, split as GitHub does: at every {@code |} but one escaped as {@code \|}. */
    private static List<String> cells(String row) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        String body = row.substring(1, row.endsWith("|") && row.length() > 1 ? row.length() - 1 : row.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length() && body.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (c == '|') {
                cells.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().trim());
        return cells;
    }

    /** A {@code relay.*} key (or {@code prefix.*}) that a row of the README's configuration table sends to a doc. */
    record Pointer(String key, String doc, int line) {
    }

    /**
     * The keys of the README's "Configuration" table with the doc each row links to. A written
     * {@code relay.topics.a|b} stands for {@code relay.topics.a} and {@code relay.topics.b}.
     */
    static List<Pointer> readmePointers(List<String> lines) {
        List<Pointer> pointers = new ArrayList<>();
        boolean inSection = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ")) {
                inSection = line.trim().equals("## Configuration");
            }
            Matcher link = LINK.matcher(line);
            String doc = null;
            while (link.find()) {
                doc = link.group(1);
            }
            if (!inSection || !line.startsWith("|") || doc == null) {
                continue;
            }
            Matcher code = CODE.matcher(line);
            while (code.find()) {
                String written = code.group(1);
                if (!written.startsWith(CodeConfigKeys.PREFIX)) {
                    continue;
                }
                String[] alternatives = written.split("\\\\?\\|");
                String stem = alternatives[0].substring(0, alternatives[0].lastIndexOf('.') + 1);
                pointers.add(new Pointer(alternatives[0], doc, i + 1));
                for (int a = 1; a < alternatives.length; a++) {
                    pointers.add(new Pointer(stem + alternatives[a], doc, i + 1));
                }
            }
        }
        return pointers;
    }

    private static Optional<String> firstCode(String cell) {
        Matcher code = CODE.matcher(cell);
        return code.find() ? Optional.of(code.group(1)) : Optional.empty();
    }
}
