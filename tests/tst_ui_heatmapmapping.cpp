// The value <-> pixel mapping of the routing heatmaps.
#include "heatmapmapping.h"

#include <QTest>

class TestHeatmapMapping : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void xToColumn_data() {
        QTest::addColumn<double>("x");
        QTest::addColumn<int>("firstColumn");
        QTest::addColumn<int>("expected");
        // plot from x = 40, 10 columns of 6 px: [40, 100)
        QTest::newRow("left of the plot") << 39.9 << 0 << -1;
        QTest::newRow("first pixel") << 40.0 << 0 << 0;
        QTest::newRow("inside first cell") << 45.9 << 0 << 0;
        QTest::newRow("second cell") << 46.0 << 0 << 1;
        QTest::newRow("last pixel") << 99.9 << 0 << 9;
        QTest::newRow("right edge is outside") << 100.0 << 0 << -1;
        QTest::newRow("scrolled") << 46.0 << 120 << 121;
    }
    void xToColumn() {
        QFETCH(double, x);
        QFETCH(int, firstColumn);
        QFETCH(int, expected);
        HeatmapMapping m { QRectF(40, 10, 60, 128), 10, 128, firstColumn };
        QCOMPARE(m.mapXToColumn(x), expected);
    }

    void yToRow_data() {
        QTest::addColumn<double>("y");
        QTest::addColumn<int>("expected");
        // 128 rows over 256 px from y = 10: 2 px a row
        QTest::newRow("above") << 9.0 << -1;
        QTest::newRow("row 0") << 10.0 << 0;
        QTest::newRow("row 0 end") << 11.99 << 0;
        QTest::newRow("row 1") << 12.0 << 1;
        QTest::newRow("row 127") << 265.5 << 127;
        QTest::newRow("below") << 266.0 << -1;
    }
    void yToRow() {
        QFETCH(double, y);
        QFETCH(int, expected);
        HeatmapMapping m { QRectF(0, 10, 100, 256), 10, 128, 0 };
        QCOMPARE(m.mapYToRow(y), expected);
    }

    void roundTrip() {
        // Every cell's centre maps back to that cell, scrolled or not.
        for (int first : { 0, 7, 1000 }) {
            HeatmapMapping m { QRectF(33.5, 7.25, 301, 211), 43, 37, first };
            for (int c = first; c < first + m.columns; ++c)
                for (int r = 0; r < m.rows; ++r) {
                    const QPointF p = m.cellRect(c, r).center();
                    QCOMPARE(m.mapXToColumn(p.x()), c);
                    QCOMPARE(m.mapYToRow(p.y()), r);
                }
        }
    }

    void follow_data() {
        QTest::addColumn<int>("total");
        QTest::addColumn<int>("visible");
        QTest::addColumn<int>("expected");
        QTest::newRow("fits") << 5 << 10 << 0;
        QTest::newRow("exactly") << 10 << 10 << 0;
        QTest::newRow("scrolls") << 25 << 10 << 15;
    }
    void follow() {
        QFETCH(int, total);
        QFETCH(int, visible);
        QFETCH(int, expected);
        QCOMPARE(HeatmapMapping::followFirstColumn(total, visible), expected);
    }

    void emptyGrid() {
        HeatmapMapping m { QRectF(0, 0, 100, 100), 0, 0, 0 };
        QCOMPARE(m.mapXToColumn(50), -1);
        QCOMPARE(m.mapYToRow(50), -1);
        QCOMPARE(m.cellWidth(), 0.0);
    }

    void colours() {
        QCOMPARE(normaliseValue(5, 0, 10), 0.5);
        QCOMPARE(normaliseValue(-1, 0, 10), 0.0);
        QCOMPARE(normaliseValue(11, 0, 10), 1.0);
        QCOMPARE(normaliseValue(3, 2, 2), 0.0);
        // The ramp runs dark to light.
        QVERIFY(heatColor(0.0).lightness() < heatColor(0.5).lightness());
        QVERIFY(heatColor(0.5).lightness() < heatColor(1.0).lightness());
        QCOMPARE(heatColor(2.0), heatColor(1.0));
    }
};

QTEST_GUILESS_MAIN(TestHeatmapMapping)
#include "tst_ui_heatmapmapping.moc"
