package io.oprelay.console;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Without Chromium or its driver the browser tests fail, saying which Debian packages to install; they never skip. */
class HeadlessChromiumTest {

    @TempDir
    Path dir;

    private Path executable(String name) throws Exception {
        Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void aMissingBrowserOrDriverFailsNamingTheDebianPackages() throws Exception {
        Path browser = executable("chromium");
        Path driver = executable("chromedriver");
        for (Path[] pair : new Path[][] {{dir.resolve("none"), driver}, {browser, dir.resolve("none")}}) {
            assertThatThrownBy(() -> HeadlessChromium.requireInstalled(pair[0], pair[1]))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dir.resolve("none") + " is missing")
                    .hasMessageContaining("Install the Debian packages 'chromium' and 'chromium-driver'");
        }
        assertThatCode(() -> HeadlessChromium.requireInstalled(browser, driver)).doesNotThrowAnyException();
    }
}
