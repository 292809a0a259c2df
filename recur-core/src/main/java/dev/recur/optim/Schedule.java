package dev.recur.optim;

/**
 * A learning rate as a function of the optimizer step, counted from 0 for the first update. The
 * training loop sets {@code optimizer.setLr(schedule.lr(step))} before each step, so a resumed run
 * only needs the step count to continue the schedule.
 */
@FunctionalInterface
public interface Schedule {
    double lr(long step);

    static Schedule constant(double lr) {
        return new Constant(lr);
    }

    /** See {@link WarmupCosine}. */
    static Schedule warmupCosine(double peak, long warmupSteps, long totalSteps, double minLr) {
        return new WarmupCosine(peak, warmupSteps, totalSteps, minLr);
    }

    /** See {@link StepDecay}. */
    static Schedule stepDecay(double initial, long stepSize, double gamma) {
        return new StepDecay(initial, stepSize, gamma);
    }

    record Constant(double value) implements Schedule {
        public Constant {
            requireRate(value);
        }

        @Override
        public double lr(long step) {
            return value;
        }
    }

    /**
     * Linear warm-up to {@code peak} over {@code warmupSteps} (step s uses {@code peak * (s + 1) /
     * warmupSteps}, so the first update is not wasted at rate 0), then a half cosine from
     * {@code peak} down to {@code minLr} at {@code totalSteps}, and {@code minLr} after that.
     */
    record WarmupCosine(double peak, long warmupSteps, long totalSteps, double minLr) implements Schedule {
        public WarmupCosine {
            requireRate(peak);
            requireRate(minLr);
            if (warmupSteps < 0 || totalSteps < warmupSteps) {
                throw new IllegalArgumentException("need 0 <= warmup steps <= total steps, got " + warmupSteps + " and " + totalSteps);
            }
        }

        @Override
        public double lr(long step) {
            if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
            double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
            return minLr + (peak - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
    }

    /** {@code initial * gamma^floor(step / stepSize)}, PyTorch's {@code StepLR}. */
    record StepDecay(double initial, long stepSize, double gamma) implements Schedule {
        public StepDecay {
            requireRate(initial);
            if (stepSize < 1) throw new IllegalArgumentException("step size must be >= 1, got " + stepSize);
            if (!(gamma > 0) || Double.isInfinite(gamma)) throw new IllegalArgumentException("gamma must be finite and > 0, got " + gamma);
        }

        @Override
        public double lr(long step) {
            return initial * Math.pow(gamma, step / stepSize);
        }
    }

    private static void requireRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
    }
}
