package io.oprelay.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The system's Chromium, headless, driven through the system's chromedriver (Debian packages {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them). Both are passed explicitly, so Selenium Manager never runs
 * and nothing is downloaded. Without them the test fails, naming the packages: a browser test that skips proves
 * nothing.
 */
public final class HeadlessChromium implements AutoCloseable {

    /** Where Debian's {@code chromium} package puts the browser (override: {@code -Drelay.test.chromium=}). */
    static final Path BROWSER = Path.of(System.getProperty("relay.test.chromium", "/usr/bin/chromium"));
    /** Where Debian's {@code chromium-driver} package puts the driver (override: {@code -Drelay.test.chromedriver=}). */
    static final Path DRIVER = Path.of(System.getProperty("relay.test.chromedriver", "/usr/bin/chromedriver"));

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private HeadlessChromium(int width, int height) {
        requireInstalled();
        service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .withLogOutput(java.io.OutputStream.nullOutputStream()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--window-size=" + width + "," + height);
        // The browser's network log, so a test can see every URL the page requested (requestedUrls()).
        options.setCapability("goog:loggingPrefs", Map.of(LogType.PERFORMANCE, "ALL"));
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    /** A browser with a desktop-sized window. */
    public static HeadlessChromium start() {
        return new HeadlessChromium(1400, 1000);
    }

    /** A browser with a window of this size (screenshots). */
    public static HeadlessChromium start(int width, int height) {
        return new HeadlessChromium(width, height);
    }

    static void requireInstalled() {
        requireInstalled(BROWSER, DRIVER);
    }

    /** Fails, naming the Debian packages, unless both the browser and the driver are executable. */
    static void requireInstalled(Path browser, Path driver) {
        for (Path binary : List.of(browser, driver)) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException("The console's browser tests need Chromium and its driver: " + binary
                        + " is missing. Install the Debian packages 'chromium' and 'chromium-driver'"
                        + " (apt-get install -y chromium chromium-driver; .ci/run does this when either is missing).");
            }
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Runs a script in the page (WebDriver's own channel: the page's Content-Security-Policy does not apply). */
    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The URLs the browser has requested since the last call (read from its network log, so streams count too). */
    public List<String> requestedUrls() {
        List<String> urls = new java.util.ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                JsonNode message = MAPPER.readTree(entry.getMessage()).path("message");
                if ("Network.requestWillBeSent".equals(message.path("method").asText())) {
                    urls.add(message.path("params").path("request").path("url").asText());
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the browser's network log holds an entry that is not JSON", e);
            }
        }
        return urls;
    }

    /** A PNG of the whole page, beyond the window's height (Chromium's own capture, through the driver). */
    public void screenshot(Path target) throws java.io.IOException {
        script("window.scrollTo(0, 0);");
        Number width = (Number) script("return document.documentElement.scrollWidth;");
        Number height = (Number) script("return document.documentElement.scrollHeight;");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1);
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.write(target, java.util.Base64.getDecoder().decode((String) shot.get("data")));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
