package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** FILE_CHECK's reading of a file's contents ({@link FileChecker#judge}), without a file. */
class FileCheckerTest {
    @Test
    void judge_numberBeyondALong_saturatesInsteadOfNotANumber() {
        CheckResult r = FileChecker.judge("99999999999999999999999\n", 1, false, true, 0);
        assertThat(r.isUp()).isTrue();
        assertThat(r.weight()).hasValue(65535);
        assertThat(FileChecker.judge("-99999999999999999999999", 1, false, true, 0).reason())
                .isEqualTo(FailureReason.REPLY_MISMATCH);
    }

    @Test
    void judge_valueTimesWeightBeyondALong_keepsItsSign() {
        CheckResult r = FileChecker.judge("4611686018427387904", 2, false, true, 0); // 2^62 x 2
        assertThat(r.isUp()).isTrue();
        assertThat(r.weight()).hasValue(65535);
        assertThat(FileChecker.judge("-9223372036854775808", 1, true, true, 0).weight()).hasValue(65535);
    }

    @Test
    void judge_signWithoutDigits_readsAsZeroLikeAnyOtherText() {
        assertThat(FileChecker.judge("-", 0, false, false, 0).isUp()).isTrue();
        assertThat(FileChecker.judge("-x", 0, false, false, 0).isUp()).isTrue();
        assertThat(FileChecker.judge("x", 0, false, false, 0).isUp()).isTrue();
    }

    @Test
    void judge_plusSign_isTheNumber() {
        assertThat(FileChecker.judge("+5", 2, false, true, 0).weight()).hasValue(10);
    }

    @Test
    void judge_nonAsciiDigits_areNotDigits() {
        assertThat(FileChecker.judge("\u0663", 0, false, false, 0).isUp()).isTrue(); // ARABIC-INDIC DIGIT THREE
    }
}
