package dev.recur.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CsvTableTest {
    @Test
    void readsColumnsByName() {
        CsvTable t = CsvTable.parse("time,value\n1,2.5\n2,-3e1\n\n3,\"4\"\n", "x.csv");
        assertEquals(List.of("time", "value"), t.header());
        assertEquals(3, t.rows());
        assertArrayEquals(new double[] {2.5, -30, 4}, t.numbers("value"));
        assertEquals("value", t.defaultTarget());
    }

    @Test
    void nonNumericCellNamesLineAndColumn() {
        CsvTable t = CsvTable.parse("time,value\n1,2\n2,abc\n", "x.csv");
        DataException e = assertThrows(DataException.class, () -> t.numbers("value"));
        assertEquals("x.csv: line 3, column 2 ('value'): 'abc' is not a number", e.getMessage());
    }

    @Test
    void nanAndEmptyCellsAreErrors() {
        assertEquals("x.csv: line 2, column 2 ('v'): NaN (NaN or infinite values are not allowed)",
                assertThrows(DataException.class, () -> CsvTable.parse("t,v\n1,NaN\n", "x.csv").numbers("v")).getMessage());
        assertEquals("x.csv: line 3, column 1 ('t'): empty cell, expected a number",
                assertThrows(DataException.class, () -> CsvTable.parse("t,v\n1,1\n,2\n", "x.csv").numbers("t")).getMessage());
    }

    @Test
    void unknownColumnListsTheColumns() {
        assertEquals("x.csv: no column 'temp' (columns: time, value)",
                assertThrows(DataException.class, () -> CsvTable.parse("time,value\n1,2\n", "x.csv").numbers("temp")).getMessage());
    }

    @Test
    void raggedRowsAndEmptyFilesAreErrors() {
        assertEquals("x.csv: line 3 has 1 cells, the header has 2",
                assertThrows(DataException.class, () -> CsvTable.parse("a,b\n1,2\n3\n", "x.csv")).getMessage());
        assertThrows(DataException.class, () -> CsvTable.parse("\n\n", "x.csv"));
    }
}
