package dev.recur.task;

/** The parts of a task's data: training, validation (model selection, thresholds) and test (reported). */
public enum Split {
    TRAIN, VALIDATION, TEST;

    public String label() {
        return switch (this) {
            case TRAIN -> "train";
            case VALIDATION -> "validation";
            case TEST -> "test";
        };
    }
}
