package dev.hubel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TextTsvTest {

  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  static Stream<Arguments> tokens() {
    return Stream.of(
        Arguments.of("Don't stop!", List.of("don", "t", "stop")),
        Arguments.of("  THE the\tThe  ", List.of("the", "the", "the")),
        Arguments.of("route 66, km2", List.of("route", "66", "km2")),
        Arguments.of("Größe café", List.of("größe", "café")),
        Arguments.of("...---...", List.of()),
        Arguments.of("", List.of()));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @MethodSource("tokens")
  void tokenizesOnNonLettersAndDigitsInLowerCase(String text, List<String> expected) {
    assertThat(Vocabulary.tokenize(text)).isEqualTo(expected);
  }

  @Test
  void readsLabelsAndTokenIdsPaddedAndTruncated() throws IOException {
    Path file = write("train.tsv", """
        pos\tGood good film
        neg\tbad film, very bad acting and more

        pos\tgood
        """);

    TextTsv.Text text = TextTsv.read(file, 4);

    Vocabulary v = text.vocabulary();
    // by count: bad 2, film 2, good 3 -> good, bad, film; then the ones alphabetically
    assertThat(v.words()).containsExactly("<pad>", "<unk>", "good", "bad", "film", "acting", "and", "more", "very");
    assertThat(v.size()).isEqualTo(9);
    Dataset d = text.dataset();
    assertThat(d.name()).isEqualTo("train.tsv");
    assertThat(d.shape()).isEqualTo(Shape.vector(4));
    assertThat(d.classNames()).containsExactly("neg", "pos");
    assertThat(d.labels()).containsExactly(1, 0, 1);
    assertThat(d.images()).containsExactly(
        2, 2, 4, 0, // good good film <pad>
        3, 4, 8, 3, // bad film very bad (truncated)
        2, 0, 0, 0); // good
  }

  @Test
  void testSplitUsesTheTrainingVocabularyAndClasses() throws IOException {
    TextTsv.Text train = TextTsv.read(write("train.tsv", "a\tred fish\nb\tblue fish\n"), 3);
    Path testFile = write("test.tsv", "b\tred whale\n");

    Dataset test = TextTsv.read(testFile, 3, train.vocabulary(), train.dataset().classNames());

    assertThat(test.classNames()).containsExactly("a", "b");
    assertThat(test.labels()).containsExactly(1);
    int red = train.vocabulary().id("red");
    assertThat(test.images()).containsExactly(red, Vocabulary.UNKNOWN, Vocabulary.PADDING);
  }

  @Test
  void maxWordsKeepsTheMostFrequent() throws IOException {
    TextTsv.Text text = TextTsv.read(write("t.tsv", "x\tb b a c c c\n"), 3, 2);
    assertThat(text.vocabulary().words()).containsExactly("<pad>", "<unk>", "c", "b");
    assertThat(text.dataset().images()).containsExactly(3, 3, Vocabulary.UNKNOWN);
  }

  @Test
  void tabsInsideTheTextSeparateWordsAndTheLabelIsTrimmed() throws IOException {
    TextTsv.Text text = TextTsv.read(write("t.tsv", "\uFEFF spam \tbuy\tnow\n"), 2);
    assertThat(text.dataset().classNames()).containsExactly("spam");
    assertThat(text.vocabulary().words()).containsExactly("<pad>", "<unk>", "buy", "now");
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("line without a tab", "pos\tfine\nneg no tab here\n".getBytes(StandardCharsets.UTF_8),
            new String[] {"line 2 has no tab", "\"neg no tab here\"", "expected label<TAB>text"}),
        Arguments.of("empty label", "pos\tfine\n\ttext without label\n".getBytes(StandardCharsets.UTF_8),
            new String[] {"line 2 has an empty label"}),
        Arguments.of("empty file", new byte[0], new String[] {"has no examples", "at least one line"}),
        Arguments.of("only blank lines", "\n  \n\n".getBytes(StandardCharsets.UTF_8), new String[] {"has no examples"}),
        Arguments.of("not UTF-8", new byte[] {'a', '\t', (byte) 0xC3, (byte) 0x28, '\n'},
            new String[] {"is not valid UTF-8"}),
        Arguments.of("missing file", null, new String[] {"not found", "label<TAB>text"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void badFilesFailNamingFileAndLine(String caseName, byte[] content, String[] expected) throws IOException {
    Path file = dir.resolve("bad.tsv");
    if (content != null) Files.write(file, content);

    assertThatThrownBy(() -> TextTsv.read(file, 8))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(file.toString())
        .contains(expected);
  }

  @Test
  void testLabelTheTrainingFileLacksIsRefused() throws IOException {
    TextTsv.Text train = TextTsv.read(write("train.tsv", "a\tx\nb\ty\n"), 2);
    Path testFile = write("test.tsv", "a\tx\nc\tz\n");

    assertThatThrownBy(() -> TextTsv.read(testFile, 2, train.vocabulary(), train.dataset().classNames()))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(testFile + " line 2", "label \"c\" is not one of the 2 classes [a, b]");
  }

  @Test
  void nonPositiveLengthIsRefused() throws IOException {
    Path file = write("t.tsv", "a\tx\n");
    assertThatThrownBy(() -> TextTsv.read(file, 0))
        .isExactlyInstanceOf(DataException.class)
        .message()
        .contains(file.toString(), "sequence length must be positive, received 0");
  }
}
