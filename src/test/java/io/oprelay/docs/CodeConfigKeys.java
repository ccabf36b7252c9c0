package io.oprelay.docs;

import io.smallrye.config.ConfigMappingInterface;
import io.smallrye.config.ConfigMappings;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The {@code relay.*} configuration keys the code reads, found in its compiled classes rather than listed by hand, so
 * that a new {@code @ConfigMapping} interface, a new {@code @ConfigProperty} injection or a new
 * {@code Config.getValue("relay....")} call is caught without anyone remembering to register it.
 *
 * <p>Sources: every interface annotated {@code @ConfigMapping} (its properties, nested groups and maps, as SmallRye
 * Config itself lays them out), {@code @ConfigProperty} on fields and parameters, {@code @IfBuildProperty} /
 * {@code @UnlessBuildProperty}, and string constants passed to a {@code get...} method of MicroProfile's or SmallRye's
 * {@code Config}. A map key is written {@code "<name>"}, as in the docs: {@code relay.feeds."<name>".operator-id}.
 */
final class CodeConfigKeys {

    /** The prefix of the relay's own keys. */
    static final String PREFIX = "relay.";
    /** How a map key segment of a property name is written in the docs. */
    static final String MAP_KEY = "\"<name>\"";

    private static final String CONFIG_MAPPING = "Lio/smallrye/config/ConfigMapping;";
    private static final String CONFIG_PROPERTY = "Lorg/eclipse/microprofile/config/inject/ConfigProperty;";
    private static final Set<String> BUILD_PROPERTIES = Set.of("Lio/quarkus/arc/properties/IfBuildProperty;",
            "Lio/quarkus/arc/properties/UnlessBuildProperty;");
    private static final Set<String> CONFIG_TYPES = Set.of("org/eclipse/microprofile/config/Config",
            "io/smallrye/config/SmallRyeConfig");
    /** {@code @ConfigProperty}'s marker for "no default". */
    private static final String UNCONFIGURED = "org.eclipse.microprofile.config.configproperty.unconfigureddvalue";

    /** One key: its name, its default in the code (if any) and where it was found. */
    record Key(String name, Optional<String> defaultValue, String origin) {
    }

    private final Map<String, Key> keys = new TreeMap<>();
    private final Map<String, String> mappings = new TreeMap<>();

    private CodeConfigKeys() {
    }

    /** Scans every class file under the given class folders (for the application: its main output folder). */
    static Map<String, Key> scan(List<Path> classFolders, ClassLoader loader) {
        CodeConfigKeys scan = new CodeConfigKeys();
        for (Path folder : classFolders) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        scan.read(in);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        scan.expandMappings(loader);
        return scan.keys;
    }

    /** Scans the given classes only (for tests of the scanner itself). */
    static Map<String, Key> scan(List<Class<?>> classes) {
        CodeConfigKeys scan = new CodeConfigKeys();
        for (Class<?> type : classes) {
            String resource = "/" + type.getName().replace('.', '/') + ".class";
            try (InputStream in = type.getResourceAsStream(resource)) {
                scan.read(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        scan.expandMappings(classes.get(0).getClassLoader());
        return scan.keys;
    }

    /** The properties of one mapping interface under a prefix, keyed by name, maps written with {@code "<name>"}. */
    static Map<String, Key> mappingKeys(Class<?> mapping, String prefix) {
        Map<String, Key> found = new TreeMap<>();
        Map<String, ConfigMappingInterface.Property> properties =
                ConfigMappings.getProperties(new ConfigMappings.ConfigClass(mapping, prefix));
        properties.forEach((path, property) -> {
            if (path.endsWith("[*]")) {
                return; // the indexed spelling of a list (name[0]=...), the same key as the list itself
            }
            String name = String.join(".", List.of(path.split("\\.", -1)).stream()
                    .map(segment -> segment.equals("*") ? MAP_KEY : segment).toList());
            Optional<String> defaultValue = property.hasDefaultValue()
                    ? Optional.of(property.getDefaultValue()) : Optional.empty();
            found.put(name, new Key(name, defaultValue, "@ConfigMapping " + mapping.getName()));
        });
        return found;
    }

    private void read(InputStream classFile) throws IOException {
        new ClassReader(classFile).accept(new Scanner(), ClassReader.SKIP_FRAMES);
    }

    private void expandMappings(ClassLoader loader) {
        mappings.forEach((className, prefix) -> {
            if (!(prefix + ".").startsWith(PREFIX)) {
                return;
            }
            try {
                mappingKeys(Class.forName(className, false, loader), prefix).values().forEach(this::add);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("cannot load the @ConfigMapping " + className, e);
            }
        });
    }

    private void add(String name, String defaultValue, String origin) {
        if (name != null && name.startsWith(PREFIX)) {
            add(new Key(name, Optional.ofNullable(defaultValue).filter(v -> !v.equals(UNCONFIGURED)), origin));
        }
    }

    private void add(Key key) {
        keys.merge(key.name(), key, (known, other) -> known.defaultValue().isPresent() ? known : other);
    }

    /** Reads a class file once: its annotations, its fields' and parameters' annotations, and its Config calls. */
    private final class Scanner extends ClassVisitor {

        private String className;

        Scanner() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            className = name.replace('/', '.');
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            if (CONFIG_MAPPING.equals(descriptor)) {
                mappings.put(className, "");
                return new Values(values -> mappings.put(className, values.getOrDefault("prefix", "")));
            }
            return keyAnnotation(descriptor);
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            return new FieldVisitor(Opcodes.ASM9) {
                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    return keyAnnotation(annotation);
                }
            };
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                private String lastString;

                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    return keyAnnotation(annotation);
                }

                @Override
                public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation, boolean visible) {
                    return keyAnnotation(annotation);
                }

                @Override
                public void visitLdcInsn(Object value) {
                    if (value instanceof String text) {
                        lastString = text;
                    }
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                    if (CONFIG_TYPES.contains(owner) && method.startsWith("get") && lastString != null) {
                        add(lastString, null, "Config." + method + " in " + className);
                    }
                    lastString = null;
                }
            };
        }

        private AnnotationVisitor keyAnnotation(String descriptor) {
            if (CONFIG_PROPERTY.equals(descriptor)) {
                return new Values(values -> add(values.get("name"), values.get("defaultValue"),
                        "@ConfigProperty in " + className));
            }
            if (BUILD_PROPERTIES.contains(descriptor)) {
                return new Values(values -> add(values.get("name"), null, "build property in " + className));
            }
            return null;
        }
    }

    /** Collects the string members of one annotation and hands them over at its end. */
    private static final class Values extends AnnotationVisitor {

        private final Map<String, String> values = new TreeMap<>();
        private final Consumer<Map<String, String>> done;

        Values(Consumer<Map<String, String>> done) {
            super(Opcodes.ASM9);
            this.done = done;
        }

        @Override
        public void visit(String name, Object value) {
            if (value instanceof String text) {
                values.put(name, text);
            }
        }

        @Override
        public void visitEnd() {
            done.accept(values);
        }
    }

    /** The folders of compiled application classes: those holding {@code io/oprelay} except the one of the tests. */
    static List<Path> applicationClassFolders(Class<?> testClass) {
        try {
            Path tests = Path.of(testClass.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<Path> folders = new ArrayList<>();
            var resources = testClass.getClassLoader().getResources("io/oprelay");
            while (resources.hasMoreElements()) {
                var url = resources.nextElement();
                if (url.getProtocol().equals("file")) {
                    Path root = Path.of(url.toURI()).getParent().getParent();
                    if (!root.equals(tests)) {
                        folders.add(root);
                    }
                }
            }
            return folders;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
