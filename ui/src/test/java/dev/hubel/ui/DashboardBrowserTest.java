package dev.hubel.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.train.EpochResult;
import dev.hubel.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real browser: Debian's headless Chromium, driven through Debian's chromedriver by
 * Selenium. Skipped when they are not installed (scripts/ensure-chromium installs them).
 */
@Timeout(180)
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static WebDriver browser;
  private Dashboard board;

  @BeforeAll
  static void startBrowser() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "Debian's chromium and chromium-driver are not installed; scripts/ensure-chromium installs them");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // --no-sandbox: CI runs as root, where Chromium's sandbox will not start
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,2600",
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) browser.quit();
  }

  @AfterEach
  void close() {
    if (board != null) board.close();
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private static long number(String script) {
    return ((Number) js(script)).longValue();
  }

  private static <T> T waitUntil(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(browser, Duration.ofSeconds(60)).withMessage(what).pollingEvery(Duration.ofMillis(50))
        .ignoring(StaleElementReferenceException.class).until(condition);
  }

  /** The element's text now, read in the page: an element the page has just replaced is never "stale" this way. */
  private static String text(String id) {
    Object t = js("const e = document.getElementById(arguments[0]); return e ? e.textContent : null;", id);
    return t == null ? "" : t.toString();
  }

  @Test
  void watchesARunLearnPausesItAndTriesTheModel() throws Exception {
    board = Dashboard.start(0, 100_000_000L);
    board.control().pause();  // the run waits at its first batch until the page resumes it
    TrainingRun run = board.attach(new TrainingRun(Fixtures.lenet(), Fixtures.quadrants(3000, 2), Fixtures.config(3)));
    CompletableFuture<List<EpochResult>> done = CompletableFuture.supplyAsync(run::train);

    browser.get(board.url().toString());
    waitUntil("the page shows the paused run", d -> text("phase").equals("paused"));
    assertThat(text("title")).isEqualTo("LeNet-5");
    assertThat(browser.findElements(By.cssSelector("#layers tbody tr"))).hasSize(run.model().nodes().size());
    assertThat(text("layers")).contains("CONV1").contains("[28x28x6]").contains("156");
    assertThat(text("pause")).isEqualTo("Resume");
    assertThat(number("return window.hubel.points.length")).isZero();

    browser.findElement(By.id("pause")).click();  // resume: training starts
    waitUntil("the curves gain points", d -> number("return window.hubel.points.length") >= 3);
    long some = number("return window.hubel.points.length");
    waitUntil("the curves gain more points", d -> number("return window.hubel.points.length") > some + 3);
    waitUntil("the loss chart draws them", d -> number("return window.hubel.charts['loss-chart'].data[0].length") > some);

    browser.findElement(By.id("pause")).click();
    waitUntil("the page says paused", d -> text("phase").equals("paused") && text("pause").equals("Resume"));
    waitUntil("the pause takes hold after the batch under way", d -> text("message").startsWith("paused at step "));
    String stepAtPause = text("step");
    assertThat(text("message")).isEqualTo("paused at step " + stepAtPause);
    Thread.sleep(1000);
    assertThat(text("step")).as("the step counter while paused").isEqualTo(stepAtPause);
    assertThat(run.iteration()).isEqualTo(Long.parseLong(stepAtPause));
    browser.findElement(By.id("lr-input")).sendKeys("0.005");
    browser.findElement(By.id("lr-set")).click();
    waitUntil("the new learning rate is confirmed", d -> text("message").equals("learning rate 0.005 from the next batch on"));
    assertThat(text("lr")).isEqualTo("0.005");
    browser.findElement(By.id("pause")).click();  // resume
    waitUntil("the step counter moves again", d -> Long.parseLong(text("step")) > Long.parseLong(stepAtPause));
    assertThat(text("phase")).isEqualTo("training");

    waitUntil("activations of every layer", d -> d.findElements(By.cssSelector("#activations img")).size() == run.model().nodes().size());
    assertThat(browser.findElements(By.cssSelector("#filters img"))).hasSize(1);
    assertThat(text("filters-label")).contains("CONV1: 6 filters of 5x5x1");
    waitUntil("the example grid", d -> d.findElements(By.cssSelector("#grid .card")).size() == Inspector.GRID);
    assertThat(browser.findElements(By.cssSelector("#grid .card.right, #grid .card.wrong"))).hasSize(Inspector.GRID);

    Path png = Files.createTempFile("bottom-right", ".png");
    Files.write(png, Fixtures.bottomRight());
    browser.findElement(By.id("file")).sendKeys(png.toString());
    waitUntil("a prediction for the chosen file", d -> !d.findElements(By.id("prediction-top")).isEmpty());
    assertThat(text("prediction-top")).isIn((Object[]) Fixtures.CLASSES);
    assertThat(browser.findElements(By.cssSelector("#prediction-activations img"))).hasSize(run.model().nodes().size());

    js("window.hubel.prediction = null;");
    dropFile(Fixtures.bottomRight(), "image/png");
    waitUntil("a prediction for the dropped image", d -> !d.findElements(By.id("prediction-top")).isEmpty());
    assertThat(text("prediction-top")).isIn((Object[]) Fixtures.CLASSES);

    js("window.hubel.prediction = null;");
    dropFile("not an image at all".getBytes(), "text/plain");
    waitUntil("an error for the dropped text", d -> text("try-message").startsWith("the upload is not an image"));

    js("window.hubel.prediction = null;");
    WebElement canvas = browser.findElement(By.id("draw"));
    new Actions(browser).moveToElement(canvas, 40, 40).clickAndHold().moveByOffset(60, 0).moveByOffset(0, 60).release().perform();
    waitUntil("a prediction for the drawing", d -> js("return window.hubel.prediction") != null && !d.findElements(By.id("prediction-top")).isEmpty());

    List<EpochResult> history = done.get(120, TimeUnit.SECONDS);
    assertThat(history).extracting(EpochResult::learningRate).containsOnly(0.005f);
    waitUntil("the page says finished", d -> text("phase").equals("finished"));
    waitUntil("the confusion matrix", d -> !d.findElements(By.cssSelector("#confusion table")).isEmpty());
    assertThat(text("confusion-label")).contains("validation").contains("after epoch 3");
    assertThat(number("return window.hubel.epochs.length")).isEqualTo(3);
    Path shot = Path.of("target", "dashboard.png");
    Files.createDirectories(shot.getParent());
    Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(shot)).isPositive();
  }

  @Test
  void everyOpenPageUpdates() throws Exception {
    board = Dashboard.start(0, 50_000_000L);
    board.control().pause();
    TrainingRun run = board.attach(new TrainingRun(Fixtures.lenet(), Fixtures.quadrants(2000, 4), Fixtures.config(2)));
    CompletableFuture<List<EpochResult>> done = CompletableFuture.supplyAsync(run::train);
    browser.get(board.url().toString());
    String first = browser.getWindowHandle();
    waitUntil("the first page shows the run", d -> text("phase").equals("paused"));
    browser.switchTo().newWindow(WindowType.TAB);
    browser.get(board.url().toString());
    String second = browser.getWindowHandle();
    waitUntil("the second page shows the run", d -> text("phase").equals("paused"));
    board.control().resume();
    assertThat(done.get(120, TimeUnit.SECONDS)).hasSize(2);
    for (String page : List.of(first, second)) {
      browser.switchTo().window(page);
      waitUntil("every page hears the end", d -> text("phase").equals("finished"));
      assertThat(number("return window.hubel.points.length")).as("points on page " + page).isGreaterThan(3);
      assertThat(text("step")).isEqualTo(Long.toString(run.iteration()));
    }
    browser.switchTo().window(second).close();
    browser.switchTo().window(first);
  }

  /** Drops a file on the drop zone as a user's drag and drop does: a DataTransfer holding it, in a drop event. */
  private static void dropFile(byte[] bytes, String type) {
    js("const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));"
        + "const dt = new DataTransfer(); dt.items.add(new File([bytes], 'dropped', {type: arguments[1]}));"
        + "document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));",
        Base64.getEncoder().encodeToString(bytes), type);
  }
}
