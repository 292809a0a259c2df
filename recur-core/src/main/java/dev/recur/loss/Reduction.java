package dev.recur.loss;

/**
 * How per-item losses (one per row of scores, or one per element of a regression) become the
 * result. Every loss takes optional non-negative weights per item (a 0/1 mask of padding, or
 * importance weights) and, for classification, per-class weights:
 * <ul>
 *   <li>MEAN: {@code sum_i w_i l_i / sum_i w_i} over the counted items (ignored targets count 0);
 *       with no weights, the plain mean over counted items. When nothing is counted the result is
 *       0 with a zero gradient (PyTorch gives NaN), so an all-padding batch cannot poison training.
 *   <li>SUM: {@code sum_i w_i l_i}.
 *   <li>NONE: the weighted per-item losses {@code w_i l_i}, shaped like the items.
 * </ul>
 */
public enum Reduction { MEAN, SUM, NONE }
