package health.caravan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import health.caravan.support.ExampleRepo;
import health.caravan.support.TestCaravan;

/**
 * A real browser (Debian's headless Chromium through chromedriver) searches the library and opens an
 * example. JavaScript is switched off: the site must work without it. {@code .ci/run} installs chromium
 * and chromium-driver; outside CI the test is skipped when they are missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplesBrowserTest {

    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    Path dir;
    ExampleRepo repo;
    TestCaravan caravan;
    WebDriver browser;

    @BeforeAll
    void start() throws Exception {
        boolean installed = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(installed, "chromium and chromium-driver are not installed");
        }
        TestCaravan.truncatePostgres();
        dir = Files.createTempDirectory("caravan-browser");
        repo = new ExampleRepo(dir).seed();
        Map<String, String> o = repo.caravanSettings();
        caravan = TestCaravan.start(o);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (caravan != null) {
            caravan.close();
        }
        if (repo != null) {
            repo.close();
        }
    }

    @Test
    void searchAndOpenAnExample() {
        String base = "http://127.0.0.1:" + caravan.httpPort;
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(d -> {
            d.get(base + "/");
            return d.getPageSource().contains("Documents");
        });
        browser.findElement(By.name("q")).sendKeys("egg FOOD");
        browser.findElement(By.cssSelector("form.search button[type=submit]")).click();
        wait.until(d -> d.getCurrentUrl().contains("/search"));
        assertEquals("1 example found.", browser.findElement(By.id("result-count")).getText());
        browser.findElement(By.linkText("Allergy to food egg")).click();
        wait.until(d -> d.getCurrentUrl().contains("/examples/view/" + ExampleRepo.EGG_ID));
        assertEquals("Allergy to food egg", browser.findElement(By.tagName("h1")).getText());
        assertTrue(browser.findElement(By.cssSelector("pre.xml")).getText().contains("<!-- egg -->"));
        assertTrue(browser.findElement(By.linkText("Download")).getAttribute("href").endsWith("%28C-CDA2.1%29.xml"));
    }
}
