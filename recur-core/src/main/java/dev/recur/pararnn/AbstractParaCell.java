package dev.recur.pararnn;

import java.util.List;

/**
 * The sizes and names every {@link ParaCell} states, held once: a cell extends this and writes only
 * its math ({@code initialParameters}, {@code evaluate}, {@code backward}, ...).
 */
public abstract class AbstractParaCell implements ParaCell {
    /** U, the units per component. */
    protected final int units;
    private final List<String> componentNames, parameterNames;
    private final int outputComponent, drivePerUnit;

    /**
     * @param componentNames one name per component (k of them, 1 to 3)
     * @param outputComponent the index of the layer's output component
     * @param drivePerUnit    drive values per unit, so that a batch row of the drive is {@code drivePerUnit · U}
     */
    protected AbstractParaCell(int units, List<String> componentNames, int outputComponent, int drivePerUnit,
                               List<String> parameterNames) {
        if (units <= 0) throw new IllegalArgumentException("units must be positive, got " + units);
        if (componentNames.isEmpty() || componentNames.size() > 3) {
            throw new IllegalArgumentException("a cell has 1 to 3 components, got " + componentNames);
        }
        if (outputComponent < 0 || outputComponent >= componentNames.size()) {
            throw new IllegalArgumentException("output component " + outputComponent + " is not one of " + componentNames);
        }
        if (drivePerUnit <= 0) throw new IllegalArgumentException("drive per unit must be positive, got " + drivePerUnit);
        this.units = units;
        this.componentNames = List.copyOf(componentNames);
        this.outputComponent = outputComponent;
        this.drivePerUnit = drivePerUnit;
        this.parameterNames = List.copyOf(parameterNames);
    }

    @Override
    public final int components() {
        return componentNames.size();
    }

    @Override
    public final int units() {
        return units;
    }

    @Override
    public final int driveWidth() {
        return drivePerUnit * units;
    }

    @Override
    public final int outputComponent() {
        return outputComponent;
    }

    @Override
    public final List<String> componentNames() {
        return componentNames;
    }

    @Override
    public final List<String> parameterNames() {
        return parameterNames;
    }
}
