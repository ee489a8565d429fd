<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>BalanceMetrics</name>
    <message>
        <location filename="../ui/models.cpp" line="+18"/>
        <source>Imbalance</source>
        <translation>Ungleichgewicht</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Efficiency</source>
        <translation>Effizienz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CV</source>
        <translation>VK</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Entropy</source>
        <translation>Entropie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coverage</source>
        <translation>Abdeckung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stability</source>
        <translation>Stabilität</translation>
    </message>
</context>
<context>
    <name>BalanceTimeModel</name>
    <message>
        <location line="+363"/>
        <source>Token</source>
        <translation>Token</translation>
    </message>
</context>
<context>
    <name>BalanceView</name>
    <message>
        <location filename="../ui/views.cpp" line="+454"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Metrics over</source>
        <translation>Kennzahlen über</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the last 1024 tokens</source>
        <translation>die letzten 1024 Tokens</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the last 256 tokens</source>
        <translation>die letzten 256 Tokens</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the whole conversation</source>
        <translation>das ganze Gespräch</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Tokens routed to each expert</source>
        <translation>Tokens je Experte</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+64"/>
        <location line="+24"/>
        <location line="+184"/>
        <source>expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <location line="-269"/>
        <source>tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Mean over layers, windows of %1 tokens</source>
        <translation>Mittel über die Schichten, Fenster von %1 Tokens</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>token</source>
        <translation>Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>0 to 1</source>
        <translation>0 bis 1</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+7"/>
        <location line="+147"/>
        <source>imbalance</source>
        <translation>Ungleichgewicht</translation>
    </message>
    <message>
        <location line="-150"/>
        <source>entropy</source>
        <translation>Entropie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>coverage</source>
        <translation>Abdeckung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>stability</source>
        <translation>Stabilität</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>efficiency</source>
        <translation>Effizienz</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Experts %1 and %2 chosen together for %3 tokens</source>
        <translation>Experten %1 und %2 gemeinsam gewählt für %3 Tokens</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Expert load per layer</source>
        <translation>Expertenauslastung je Schicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Balance over time</source>
        <translation>Balance im Zeitverlauf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Metrics per layer</source>
        <translation>Kennzahlen je Schicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Co-activation</source>
        <translation>Ko-Aktivierung</translation>
    </message>
    <message>
        <location line="+161"/>
        <source>Layer %1: tokens that chose both experts</source>
        <translation>Schicht %1: Tokens, die beide Experten gewählt haben</translation>
    </message>
    <message>
        <location line="-195"/>
        <source>Windows of</source>
        <translation>Fenster von</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+87"/>
        <source>%1 tokens</source>
        <translation>%1 Tokens</translation>
    </message>
    <message>
        <location line="-78"/>
        <source>tokens from</source>
        <translation>Tokens ab</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&lt;b&gt;Tokens %1–%2, expert %3&lt;/b&gt;: %4 % of the window&apos;s load (%5 % over the whole conversation)&lt;br&gt;drift from the whole: %6</source>
        <translation>&lt;b&gt;Tokens %1–%2, Experte %3&lt;/b&gt;: %4 % der Last des Fensters (%5 % im ganzen Gespräch)&lt;br&gt;Drift gegenüber dem Ganzen: %6</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Load over position</source>
        <translation>Last über die Position</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>first token</source>
        <translation>erstes Token</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>last token</source>
        <translation>letztes Token</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>drift</source>
        <translation>Drift</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>top expert</source>
        <translation>stärkster Experte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>top share</source>
        <translation>höchster Anteil</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>expert %1</source>
        <translation>Experte %1</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Layer %1: share of each window&apos;s expert load</source>
        <translation>Schicht %1: Anteil an der Expertenlast jedes Fensters</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How the experts&apos; load moves along the conversation appears here once tokens have been routed.</source>
        <translation>Wie sich die Last der Experten im Lauf des Gesprächs verschiebt, erscheint hier, sobald Tokens geroutet wurden.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Drift (Jensen–Shannon divergence of a window&apos;s load from the whole conversation&apos;s, nats, at most 0.693): mean %1, largest %2 at tokens %3–%4, where expert %5 takes %6 %.</source>
        <translation>Drift (Jensen-Shannon-Divergenz der Last eines Fensters von der des ganzen Gesprächs, nats, höchstens 0,693): Mittel %1, größte %2 bei Tokens %3–%4, wo Experte %5 %6 % übernimmt.</translation>
    </message>
</context>
<context>
    <name>ChartExporter</name>
    <message>
        <location filename="../ui/chartexporter.cpp" line="+51"/>
        <source>model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>run: %1</source>
        <translation>Lauf: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>hardware: %1</source>
        <translation>Hardware: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MoE Workbench %1</source>
        <translation>MoE Workbench %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG-Bild (*.png);;SVG-Grafik (*.svg);;PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The chart has no size to export.</source>
        <translation>Das Diagramm hat keine Größe, die sich exportieren ließe.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The chart is too large to export as PNG (%1 x %2 pixels).</source>
        <translation>Das Diagramm ist zu groß für einen PNG-Export (%1 × %2 Pixel).</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+51"/>
        <location line="+21"/>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location line="-61"/>
        <location line="+4"/>
        <location line="+11"/>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Unknown chart format &apos;%1&apos;: use .png, .svg or .pdf.</source>
        <translation>Unbekanntes Diagrammformat „%1“: .png, .svg oder .pdf verwenden.</translation>
    </message>
</context>
<context>
    <name>ChartPanel</name>
    <message>
        <location filename="../ui/panels.cpp" line="+108"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export this chart or its data</source>
        <translation>Dieses Diagramm oder seine Daten exportieren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Chart as PNG, SVG or PDF…</source>
        <translation>Diagramm als PNG, SVG oder PDF…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Data as CSV…</source>
        <translation>Daten als CSV…</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>This chart has no data to export.</source>
        <translation>Dieses Diagramm hat keine Daten zum Exportieren.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Export %1</source>
        <translation>%1 exportieren</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+12"/>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Export data of %1</source>
        <translation>Daten von %1 exportieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV table (*.csv)</source>
        <translation>CSV-Tabelle (*.csv)</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <location filename="../ui/chatpanel.cpp" line="+55"/>
        <location line="+51"/>
        <source>Open a model (File › Open, or drop a .gguf file here), then type below.</source>
        <translation>Öffnen Sie ein Modell (Datei › Öffnen, oder eine .gguf-Datei hierher ziehen) und schreiben Sie dann unten.</translation>
    </message>
    <message>
        <location line="-43"/>
        <source>Message (Ctrl+Enter sends)</source>
        <translation>Nachricht (Strg+Eingabe sendet)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Regenerate</source>
        <translation>Neu generieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit last</source>
        <translation>Letzte bearbeiten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Type a message below and press Send (Ctrl+Enter). Click any word of the reply to see its experts in every layer.</source>
        <translation>Schreiben Sie unten eine Nachricht und drücken Sie Senden (Strg+Eingabe). Klicken Sie auf ein Wort der Antwort, um seine Experten in jeder Schicht zu sehen.</translation>
    </message>
    <message>
        <location line="-73"/>
        <source>You</source>
        <translation>Sie</translation>
    </message>
    <message>
        <location line="+113"/>
        <source>reading the prompt…</source>
        <translation>Prompt wird gelesen…</translation>
    </message>
    <message>
        <location line="-101"/>
        <source>Assistant</source>
        <translation>Assistent</translation>
    </message>
    <message>
        <location line="+172"/>
        <source>Thinking…</source>
        <translation>Denkt nach…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Thought for 1 token, %1 s</source>
        <translation>Nachgedacht: 1 Token, %1 s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thought for %1 tokens, %2 s</source>
        <translation>Nachgedacht: %1 Tokens, %2 s</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Click to fold the thinking away</source>
        <translation>Klicken, um das Nachdenken einzuklappen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Click to show the thinking</source>
        <translation>Klicken, um das Nachdenken zu zeigen</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../ui/views.cpp" line="+358"/>
        <location line="+221"/>
        <source>Pick two or more runs in History and press Compare selected.</source>
        <translation>Wählen Sie im Verlauf zwei oder mehr Läufe und drücken Sie „Auswahl vergleichen“.</translation>
    </message>
    <message>
        <location line="-212"/>
        <source>Latency per generated token (ms)</source>
        <translation>Latenz je erzeugtem Token (ms)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+7"/>
        <source>Imbalance per layer</source>
        <translation>Ungleichgewicht je Schicht</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Routing agreement with the first run, per layer</source>
        <translation>Routing-Übereinstimmung mit dem ersten Lauf, je Schicht</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Settings and results</source>
        <translation>Einstellungen und Ergebnisse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latency per token</source>
        <translation>Latenz je Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Routing agreement</source>
        <translation>Routing-Übereinstimmung</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Reply</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Setting</source>
        <translation>Einstellung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>generated token</source>
        <translation>erzeugtes Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <location line="+12"/>
        <source>layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>imbalance</source>
        <translation>Ungleichgewicht</translation>
    </message>
    <message>
        <location line="+123"/>
        <source>some runs could not be loaded whole</source>
        <translation>einige Läufe ließen sich nicht vollständig laden</translation>
    </message>
    <message>
        <location line="-40"/>
        <source>%1: mean top-k overlap %2, identical expert sets in %3 % of (token, layer) pairs over %4 common tokens%5</source>
        <translation>%1: mittlere Top-k-Überlappung %2, identische Expertenmengen in %3 % der (Token, Schicht)-Paare über %4 gemeinsame Tokens%5</translation>
    </message>
    <message>
        <location line="-70"/>
        <source>token</source>
        <translation>Token</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>overlap</source>
        <translation>Überlappung</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 imbalance</source>
        <translation>%1 Ungleichgewicht</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>run %1 vs %2</source>
        <translation>Lauf %1 gegen %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 overlap</source>
        <translation>%1 Überlappung</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: no tokens in common to compare (different prompts or no routing recorded)</source>
        <translation>%1: keine gemeinsamen Tokens zum Vergleichen (verschiedene Prompts oder kein Routing aufgezeichnet)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>, first divergence at token %1</source>
        <translation>, erste Abweichung bei Token %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, never diverging</source>
        <translation>, ohne jede Abweichung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: mean overlap of the experts chosen %2 over %3 common tokens (the runs use different numbers of experts per token, so identical sets do not apply)</source>
        <translation>%1: mittlere Überlappung der gewählten Experten %2 über %3 gemeinsame Tokens (die Läufe nutzen unterschiedlich viele Experten je Token, identische Mengen sind daher nicht möglich)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>&lt;b&gt;Routing agreement&lt;/b&gt;&lt;br&gt;%1</source>
        <translation>&lt;b&gt;Routing-Übereinstimmung&lt;/b&gt;&lt;br&gt;%1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Not like for like: %1.</source>
        <translation>Nicht direkt vergleichbar: %1.</translation>
    </message>
</context>
<context>
    <name>EngineController</name>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="+481"/>
        <source>Open a model first.</source>
        <translation>Öffnen Sie zuerst ein Modell.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A model is being opened; send again when it is ready.</source>
        <translation>Ein Modell wird gerade geöffnet; senden Sie erneut, sobald es bereit ist.</translation>
    </message>
</context>
<context>
    <name>EngineWorker</name>
    <message>
        <location line="-430"/>
        <source>The run store cannot be opened: %1</source>
        <translation>Der Laufspeicher lässt sich nicht öffnen: %1</translation>
    </message>
    <message>
        <location line="+135"/>
        <source>Measuring memory bandwidth</source>
        <translation>Speicherbandbreite wird gemessen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>No model is loaded.</source>
        <translation>Es ist kein Modell geladen.</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>The run was not recorded and could not be kept: %1</source>
        <translation>Der Lauf wurde nicht aufgezeichnet und konnte nicht aufbewahrt werden: %1</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>The run was not recorded (%1); it is kept in %2 for `moe-cli runs import`.</source>
        <translation>Der Lauf wurde nicht aufgezeichnet (%1); er liegt in %2 für `moe-cli runs import` bereit.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Could not list the runs: %1</source>
        <translation>Die Läufe konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Could not load run %1: %2</source>
        <translation>Lauf %1 konnte nicht geladen werden: %2</translation>
    </message>
</context>
<context>
    <name>ExpertLoadModel</name>
    <message>
        <location filename="../ui/models.cpp" line="-135"/>
        <source>Expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Load share</source>
        <translation>Lastanteil</translation>
    </message>
</context>
<context>
    <name>ExpertsView</name>
    <message>
        <location filename="../ui/views.cpp" line="-1127"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Load over</source>
        <translation>Auslastung über</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the whole conversation</source>
        <translation>das ganze Gespräch</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the last 64 tokens</source>
        <translation>die letzten 64 Tokens</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the last 256 tokens</source>
        <translation>die letzten 256 Tokens</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Token columns</source>
        <translation>Token-Spalten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>with their text</source>
        <translation>mit ihrem Text</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>wide</source>
        <translation>breit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>narrow (more tokens)</source>
        <translation>schmal (mehr Tokens)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Point at the heatmap: the expert under the mouse and the tokens it handled last appear here. Click a column to see that token in every layer.</source>
        <translation>Zeigen Sie auf die Heatmap: Der Experte unter dem Mauszeiger und die Tokens, die er zuletzt verarbeitet hat, erscheinen hier. Klicken Sie auf eine Spalte, um dieses Token in jeder Schicht zu sehen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Tokens × experts (gate weight)</source>
        <translation>Tokens × Experten (Gate-Gewicht)</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+22"/>
        <location line="+178"/>
        <location line="+12"/>
        <location line="+21"/>
        <source>layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location line="-233"/>
        <location line="+22"/>
        <location line="+178"/>
        <location line="+12"/>
        <location line="+21"/>
        <source>expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <location line="-227"/>
        <source>&lt;b&gt;Layer %1, expert %2&lt;/b&gt;: %3 tokens&lt;br&gt;recent: %4</source>
        <translation>&lt;b&gt;Schicht %1, Experte %2&lt;/b&gt;: %3 Tokens&lt;br&gt;zuletzt: %4</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Layers × experts load</source>
        <translation>Auslastung Schichten × Experten</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+168"/>
        <source>Click a token in the chat or in the heatmap to see its routing across all layers.</source>
        <translation>Klicken Sie im Chat oder in der Heatmap auf ein Token, um sein Routing über alle Schichten zu sehen.</translation>
    </message>
    <message>
        <location line="-162"/>
        <source>Layer %1, expert %2: gate weight %3</source>
        <translation>Schicht %1, Experte %2: Gate-Gewicht %3</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layer %1, expert %2: not routed</source>
        <translation>Schicht %1, Experte %2: nicht geroutet</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>One token across all layers</source>
        <translation>Ein Token über alle Schichten</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Expert %1 (layer %2): %3 tokens, recent %4</source>
        <translation>Experte %1 (Schicht %2): %3 Tokens, zuletzt %4</translation>
    </message>
    <message>
        <location line="+134"/>
        <source>Latest token %1 “%2”</source>
        <translation>Letztes Token %1 „%2“</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The routing of this token arrives with the next forward pass.</source>
        <translation>Das Routing dieses Tokens kommt mit dem nächsten Vorwärtsdurchlauf.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Token %1 “%2” (%3): its experts in every layer, gate weight as colour</source>
        <translation>Token %1 „%2“ (%3): seine Experten in jeder Schicht, Gate-Gewicht als Farbe</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>generated</source>
        <translation>erzeugt</translation>
    </message>
    <message>
        <location line="-204"/>
        <source>token</source>
        <translation>Token</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>seen</source>
        <translation>gesehen</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>One expert&apos;s tokens</source>
        <translation>Die Tokens eines Experten</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>Click a cell of the layers × experts load to see the tokens that expert takes most; right-click it to mask or force the expert.</source>
        <translation>Klicken Sie auf eine Zelle der Last Schichten × Experten, um die Tokens zu sehen, die dieser Experte am häufigsten übernimmt; Rechtsklick maskiert oder erzwingt den Experten.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Layer %1, expert %2: %3 tokens routed here, none of them seen twice yet.</source>
        <translation>Schicht %1, Experte %2: %3 Tokens hierher geroutet, noch keines davon zweimal gesehen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Layer %1, expert %2: %3 tokens routed here. Its tokens by the share of their occurrences routed to it (tokens seen at least twice):</source>
        <translation>Schicht %1, Experte %2: %3 Tokens hierher geroutet. Seine Tokens nach dem Anteil ihrer Vorkommen, die zu ihm gingen (Tokens, die mindestens zweimal vorkamen):</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Layer %1, expert %2</source>
        <translation>Schicht %1, Experte %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mask this expert</source>
        <translation>Diesen Experten maskieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Force this expert</source>
        <translation>Diesen Experten erzwingen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clear</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Show its tokens</source>
        <translation>Seine Tokens zeigen</translation>
    </message>
    <message>
        <location line="-124"/>
        <source>routed</source>
        <translation>geroutet</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>share</source>
        <translation>Anteil</translation>
    </message>
</context>
<context>
    <name>HardwareView</name>
    <message>
        <location filename="../ui/hardwareview.cpp" line="+96"/>
        <source>Also at efficiency</source>
        <translation>Auch bei Effizienz</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Besides the bandwidth share the run reached, project at this share of each device&apos;s bandwidth</source>
        <translation>Neben dem vom Lauf erreichten Bandbreitenanteil auch mit diesem Anteil der Bandbreite jedes Geräts hochrechnen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Prefill at</source>
        <translation>Prefill mit</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>BF16</source>
        <translation>BF16</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>FP8</source>
        <translation>FP8</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>FP4</source>
        <translation>FP4</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Offload plan: GPU memory</source>
        <translation>Auslagerung: GPU-Speicher</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> GiB</source>
        <translation> GiB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>bandwidth of</source>
        <translation>Bandbreite von</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Batch-1 decode tokens/s at the run&apos;s bandwidth share, by vendor and year (* announced)</source>
        <translation>Decode-Tokens/s bei Batch 1 mit dem Bandbreitenanteil des Laufs, nach Hersteller und Jahr (* angekündigt)</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Across hardware generations</source>
        <translation>Über Hardware-Generationen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Projection per device</source>
        <translation>Hochrechnung je Gerät</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expert offload plan</source>
        <translation>Plan zur Experten-Auslagerung</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The device file could not be read: %1</source>
        <translation>Die Gerätedatei konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>%1 (%2 GB/s)</source>
        <translation>%1 (%2 GB/s)</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>Finish a reply, or compare runs from History, to project the run onto other hardware.</source>
        <translation>Schließen Sie eine Antwort ab oder vergleichen Sie Läufe aus dem Verlauf, um den Lauf auf andere Hardware hochzurechnen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Run %1: %2, %3 on %4, %5 tokens/s</source>
        <translation>Lauf %1: %2, %3 auf %4, %5 Tokens/s</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>This run has no measured memory bandwidth, so it has no efficiency to carry over: set one above.</source>
        <translation>Für diesen Lauf wurde keine Speicherbandbreite gemessen, es gibt also keine Effizienz zu übertragen: Legen Sie oben eine fest.</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>this model (MoE)</source>
        <translation>dieses Modell (MoE)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a dense model of the same size</source>
        <translation>ein dichtes Modell gleicher Größe</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>tokens/s</source>
        <translation>Tokens/s</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No run yet.</source>
        <translation>Noch kein Lauf.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to offload: this run has no experts or no routing trace.</source>
        <translation>Nichts auszulagern: Dieser Lauf hat keine Experten oder keine Routing-Aufzeichnung.</translation>
    </message>
    <message>
        <location line="-64"/>
        <source>USD per device-hour: double-click to set your own (kept in %1); right-click to go back to the catalogue&apos;s</source>
        <translation>USD je Gerätestunde: Doppelklick setzt Ihren eigenen Preis (gespeichert in %1); Rechtsklick kehrt zum Katalogpreis zurück</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The catalogue&apos;s price; double-click to set your own</source>
        <translation>Preis des Katalogs; Doppelklick setzt Ihren eigenen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From %1; double-click to change, right-click to reset</source>
        <translation>Aus %1; Doppelklick ändert, Rechtsklick setzt zurück</translation>
    </message>
    <message>
        <location line="-93"/>
        <source>&quot;%1&quot; is not a price for %2: give US dollars per hour, 0 or more (say 2.5), or nothing for the catalogue&apos;s.</source>
        <translation>„%1“ ist kein Preis für %2: Geben Sie US-Dollar je Stunde an, 0 oder mehr (etwa 2.5), oder nichts für den Katalogpreis.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The price was not changed: %1</source>
        <translation>Der Preis wurde nicht geändert: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 now costs %2 USD an hour (kept in %3).</source>
        <translation>%1 kostet jetzt %2 USD je Stunde (gespeichert in %3).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is back at the catalogue&apos;s price.</source>
        <translation>%1 hat wieder den Katalogpreis.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Edit the price of %1</source>
        <translation>Preis von %1 bearbeiten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reset the price of %1 to the catalogue&apos;s</source>
        <translation>Preis von %1 auf den Katalogpreis zurücksetzen</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../ui/views.cpp" line="+683"/>
        <source>Filter runs (model, prompt, backend, …)</source>
        <translation>Läufe filtern (Modell, Prompt, Backend, …)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare selected</source>
        <translation>Auswahl vergleichen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Select two or more runs (Ctrl+click) to see them side by side</source>
        <translation>Wählen Sie zwei oder mehr Läufe (Strg+Klick), um sie nebeneinander zu sehen</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Sweeps (quality against cost, one record each)</source>
        <translation>Sweeps (Qualität gegen Kosten, je ein Eintrag)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open in Experiments</source>
        <translation>In Experimente öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare its runs</source>
        <translation>Seine Läufe vergleichen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export sweep…</source>
        <translation>Sweep exportieren…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sweep</source>
        <translation>Sweep</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>When (UTC)</source>
        <translation>Wann (UTC)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Best perplexity</source>
        <translation>Beste Perplexität</translation>
    </message>
    <message>
        <location line="+34"/>
        <source> (cancelled)</source>
        <translation> (abgebrochen)</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <location filename="../ui/language.cpp" line="+23"/>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MoE Workbench will speak the chosen language the next time it starts.</source>
        <translation>MoE Workbench verwendet die gewählte Sprache beim nächsten Start.</translation>
    </message>
</context>
<context>
    <name>LayerBalanceModel</name>
    <message>
        <location filename="../ui/models.cpp" line="-62"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="+44"/>
        <source>MoE Workbench</source>
        <translation>MoE Workbench</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Experts</source>
        <translation>Experten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Balance</source>
        <translation>Balance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model and settings</source>
        <translation>Modell und Einstellungen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Loading %1…</source>
        <translation>%1 wird geladen…</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Could not open the model</source>
        <translation>Das Modell konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+237"/>
        <source>%1 — MoE Workbench</source>
        <translation>%1 — MoE Workbench</translation>
    </message>
    <message>
        <location line="-223"/>
        <source>%1 loaded on %2</source>
        <translation>%1 geladen auf %2</translation>
    </message>
    <message>
        <location line="-111"/>
        <source>Experiments</source>
        <translation>Experimente</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Hardware</source>
        <translation>Hardware</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>%1 is still loaded.</source>
        <translation>%1 bleibt geladen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Loading cancelled.</source>
        <translation>Laden abgebrochen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The model could not be opened.</source>
        <translation>Das Modell konnte nicht geöffnet werden.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Max tokens lowered to %1: the context holds %2 positions, and the next message needs room too</source>
        <translation>Max. Tokens auf %1 gesenkt: Der Kontext fasst %2 Positionen, und die nächste Nachricht braucht auch Platz</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Reading the prompt…</source>
        <translation>Prompt wird gelesen…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>max tokens reached</source>
        <translation>Token-Limit erreicht</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>stopped while reading the prompt</source>
        <translation>beim Lesen des Prompts gestoppt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 token</source>
        <translation>1 Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 tokens at %2 tokens/s</source>
        <translation>%1 Tokens mit %2 Tokens/s</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open model…</source>
        <translation>Modell ö&amp;ffnen…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open a GGUF model</source>
        <translation>Ein GGUF-Modell öffnen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF-Modelle (*.gguf);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open &amp;recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Close model</source>
        <translation>Modell &amp;schließen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export the charts of this tab…</source>
        <translation>Diagramme dieses Tabs exportieren…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export charts into</source>
        <translation>Diagramme exportieren nach</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Exported %1 charts to %2</source>
        <translation>%1 Diagramme nach %2 exportiert</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;New conversation</source>
        <translation>&amp;Neues Gespräch</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Stop</source>
        <translation>&amp;Stoppen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Regenerate</source>
        <translation>Neu &amp;generieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit last message</source>
        <translation>Letzte Nachricht &amp;bearbeiten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Main</source>
        <translation>Haupt-Werkzeugleiste</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About</source>
        <translation>Ü&amp;ber</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About MoE Workbench</source>
        <translation>Über MoE Workbench</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;MoE Workbench %1&lt;/b&gt;&lt;p&gt;Chat with a mixture-of-experts model and watch its routing, load balance and speed as it runs.&lt;/p&gt;</source>
        <translation>&lt;b&gt;MoE Workbench %1&lt;/b&gt;&lt;p&gt;Chatten Sie mit einem Mixture-of-Experts-Modell und verfolgen Sie dabei sein Routing, die Lastverteilung und die Geschwindigkeit.&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>%1 at top-%2 of %3 experts — MoE Workbench</source>
        <translation>%1 mit Top-%2 von %3 Experten — MoE Workbench</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Reload the model</source>
        <translation>Modell neu laden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Applying %1 experts per token and a context of %2 reloads the model and starts a new conversation; the current one stays in History. Continue?</source>
        <translation>Mit %1 Experten je Token und einem Kontext von %2 wird das Modell neu geladen und ein neues Gespräch begonnen; das aktuelle bleibt im Verlauf. Fortfahren?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the model&apos;s own number of</source>
        <translation>der modelleigenen Anzahl an</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the model&apos;s default</source>
        <translation>Modell-Standardlänge</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>%1 tokens/s</source>
        <translation>%1 Tokens/s</translation>
    </message>
</context>
<context>
    <name>MatrixHeatmap</name>
    <message>
        <location filename="../ui/heatmaps.cpp" line="+476"/>
        <source>No routing yet</source>
        <translation>Noch kein Routing</translation>
    </message>
</context>
<context>
    <name>ModelCardView</name>
    <message>
        <location filename="../ui/panels.cpp" line="+26"/>
        <source>Architecture</source>
        <translation>Architektur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experts</source>
        <translation>Experten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experts per token</source>
        <translation>Experten je Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shared experts</source>
        <translation>Geteilte Experten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Design</source>
        <translation>Aufbau</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deactivated per token</source>
        <translation>Je Token inaktiv</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantization</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory needed</source>
        <translation>Benötigter Speicher</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory bandwidth</source>
        <translation>Speicherbandbreite</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chat format</source>
        <translation>Chat-Format</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No model loaded</source>
        <translation>Kein Modell geladen</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1, mixture of experts</source>
        <translation>%1, Mixture of Experts</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1, dense</source>
        <translation>%1, dicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (%2 with experts)</source>
        <translation>%1 (%2 mit Experten)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 per layer</source>
        <translation>%1 je Schicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>top-%1</source>
        <translation>Top-%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>top-%1 (model: top-%2)</source>
        <translation>Top-%1 (Modell: Top-%2)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 total, %2 active</source>
        <translation>%1 gesamt, %2 aktiv</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 % of the parameters</source>
        <translation>%1 % der Parameter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 in use (trained: %2)</source>
        <translation>%1 in Gebrauch (trainiert: %2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 (weights %2 + KV cache %3), %4 available</source>
        <translation>%1 (Gewichte %2 + KV-Cache %3), %4 verfügbar</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 GB/s read, best of %2 (lowest %3), measured once at start, %4</source>
        <translation>%1 GB/s lesend, bester von %2 (niedrigster %3), einmal beim Start gemessen, %4</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The repetitions spread widely: the machine was busy, so shares of it are rough.</source>
        <translation>Die Wiederholungen streuen stark: Der Rechner war ausgelastet, Anteile daran sind daher nur grob.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not measured</source>
        <translation>nicht gemessen</translation>
    </message>
</context>
<context>
    <name>RoutingLabView</name>
    <message>
        <location filename="../ui/routinglab.cpp" line="+56"/>
        <location line="+419"/>
        <location line="+172"/>
        <source>model&apos;s own</source>
        <translation>modelleigen</translation>
    </message>
    <message>
        <location line="-481"/>
        <source>Routing policy</source>
        <translation>Routing-Strategie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the model&apos;s own</source>
        <translation>modelleigen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>top-p (router mass)</source>
        <translation>Top-p (Router-Masse)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>entropy-adaptive k</source>
        <translation>entropieadaptives k</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Policy</source>
        <translation>Strategie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experts per token (k)</source>
        <translation>Experten je Token (k)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Router mass (p)</source>
        <translation>Router-Masse (p)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>k from</source>
        <translation>k von</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Skip weights under</source>
        <translation>Gewichte überspringen unter</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Click an expert: masked (never chosen), again: forced (always chosen), again: as the router decides</source>
        <translation>Klick auf einen Experten: maskiert (nie gewählt), nochmals: erzwungen (immer gewählt), nochmals: wie der Router entscheidet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Apply to the next runs</source>
        <translation>Für die nächsten Läufe übernehmen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Experts (rows: layers; click: mask, force, clear)</source>
        <translation>Experten (Zeilen: Schichten; Klick: maskieren, erzwingen, zurücksetzen)</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+43"/>
        <source>Quality against cost</source>
        <translation>Qualität gegen Kosten</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>Held-out text to score (longer than the context: scored in windows)</source>
        <translation>Zurückgehaltener Text zur Bewertung (länger als der Kontext: in Fenstern bewertet)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Settings, &apos;;&apos; between them: top-k=1..8, top-p=0.5:0.95:0.05, entropy=1..8 (k_max), skip=0.05:0.3:0.05, or one policy</source>
        <translation>Einstellungen, durch &apos;;&apos; getrennt: top-k=1..8, top-p=0.5:0.95:0.05, entropy=1..8 (k_max), skip=0.05:0.3:0.05, oder eine einzelne Strategie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run sweep</source>
        <translation>Sweep starten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>experts per token</source>
        <translation>Experten je Token</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>weight MB per token</source>
        <translation>Gewichte MB je Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+390"/>
        <source>perplexity</source>
        <translation>Perplexität</translation>
    </message>
    <message>
        <location line="-390"/>
        <source>KL from the model&apos;s own (nats)</source>
        <translation>KL zum modelleigenen (nats)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>x</source>
        <translation>x</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>y</source>
        <translation>y</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>In effect: the model&apos;s own routing (top-%1).</source>
        <translation>Wirksam: das modelleigene Routing (Top-%1).</translation>
    </message>
    <message>
        <location line="+104"/>
        <source>In effect: the model&apos;s own routing.</source>
        <translation>Wirksam: das modelleigene Routing.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In effect for every run from now on: %1</source>
        <translation>Ab jetzt für jeden Lauf wirksam: %1</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Sweeping %1 settings...</source>
        <translation>%1 Einstellungen werden durchlaufen...</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1 of %2: %3</source>
        <translation>%1 von %2: %3</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>%1 settings over %2 tokens; ★ Pareto-best (perplexity against experts per token). Each setting is a score run in History.</source>
        <translation>%1 Einstellungen über %2 Tokens; ★ Pareto-optimal (Perplexität gegen Experten je Token). Jede Einstellung ist ein Bewertungslauf im Verlauf.</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>weight MB read per token</source>
        <translation>gelesene Gewichte MB je Token</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>experts per token (mean per layer)</source>
        <translation>Experten je Token (Mittel je Schicht)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>KL from the model&apos;s own routing (nats)</source>
        <translation>KL zum modelleigenen Routing (nats)</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Pareto-best</source>
        <translation>Pareto-optimal</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Run a sweep to see what fewer experts cost</source>
        <translation>Starten Sie einen Sweep, um zu sehen, was weniger Experten kosten</translation>
    </message>
    <message>
        <location line="-165"/>
        <source>%1 The sweep record was not saved: %2</source>
        <translation>%1 Der Eintrag des Sweeps wurde nicht gespeichert: %2</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cancelling: the setting in progress stops within a batch of tokens and is discarded...</source>
        <translation>Abbruch: die laufende Einstellung endet innerhalb eines Token-Stapels und wird verworfen...</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Cancelled after %1 settings; all kept.</source>
        <translation>Nach %1 Einstellungen abgebrochen; alle behalten.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled during %1 after %2 of %3 tokens: that setting is discarded; the %4 finished settings are kept.</source>
        <translation>Während %1 nach %2 von %3 Tokens abgebrochen: diese Einstellung wird verworfen; die %4 fertigen Einstellungen bleiben.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Sweep s%1 of %2 (%3, %4 tokens): %5</source>
        <translation>Sweep s%1 vom %2 (%3, %4 Tokens): %5</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Export sweep</source>
        <translation>Sweep exportieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV (*.csv);;JSON (*.json)</source>
        <translation>CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>RunView</name>
    <message>
        <location filename="../ui/runview.cpp" line="+161"/>
        <source>the token limit was reached</source>
        <translation>das Token-Limit wurde erreicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the model ended its reply</source>
        <translation>das Modell hat seine Antwort beendet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the context was full</source>
        <translation>der Kontext war voll</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>complete</source>
        <translation>vollständig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>RunsModel</name>
    <message>
        <location filename="../ui/models.cpp" line="+200"/>
        <source>max tokens reached</source>
        <translation>Token-Limit erreicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>end of reply</source>
        <translation>Ende der Antwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>context full</source>
        <translation>Kontext voll</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>complete</source>
        <translation>vollständig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quantization</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Experts/token</source>
        <translation>Experten/Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Prompt tokens</source>
        <translation>Prompt-Tokens</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Generated</source>
        <translation>Erzeugt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Decode tok/s</source>
        <translation>Decode Tok./s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Prefill tok/s</source>
        <translation>Prefill Tok./s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>TTFT (ms)</source>
        <translation>TTFT (ms)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GB/s</source>
        <translation>GB/s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Imbalance</source>
        <translation>Ungleichgewicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop</source>
        <translation>Stoppgrund</translation>
    </message>
</context>
<context>
    <name>SettingsPanel</name>
    <message>
        <location filename="../ui/panels.cpp" line="+43"/>
        <source>System prompt (applies to new conversations)</source>
        <translation>System-Prompt (gilt für neue Gespräche)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>System prompt</source>
        <translation>System-Prompt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sampling (the next reply)</source>
        <translation>Sampling (die nächste Antwort)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>0 picks the most likely token every time</source>
        <translation>0 wählt immer das wahrscheinlichste Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+21"/>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repetition penalty</source>
        <translation>Wiederholungsstrafe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>random</source>
        <translation>zufällig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>random: a new seed each reply (History shows the one used); a number repeats a reply</source>
        <translation>zufällig: ein neuer Seed für jede Antwort (der Verlauf zeigt den verwendeten); eine Zahl wiederholt eine Antwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Max tokens</source>
        <translation>Max. Tokens</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Model (applying reloads it)</source>
        <translation>Modell (Übernehmen lädt es neu)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>model&apos;s own</source>
        <translation>modelleigen</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Apply</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Experts per token</source>
        <translation>Experten je Token</translation>
    </message>
    <message>
        <location line="-53"/>
        <source>Conversation</source>
        <translation>Gespräch</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sample the next token among the k most likely tokens of the vocabulary (not the experts)</source>
        <translation>Das nächste Token unter den k wahrscheinlichsten Tokens des Vokabulars wählen (nicht der Experten)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sampling top-k</source>
        <translation>Sampling Top-k</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Experts each token is routed to in every MoE layer (the router&apos;s top-k), for this model</source>
        <translation>Experten, an die jedes Token in jeder MoE-Schicht geroutet wird (Top-k des Routers), für dieses Modell</translation>
    </message>
    <message>
        <location line="-22"/>
        <location line="+6"/>
        <location line="+21"/>
        <source>model&apos;s default</source>
        <translation>Modellstandard</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Positions the KV cache holds: prompt, replies and every earlier turn of the conversation</source>
        <translation>Positionen im KV-Cache: Prompt, Antworten und alle früheren Runden des Gesprächs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reload the model with these; the conversation starts over (Enter in a box does the same)</source>
        <translation>Das Modell mit diesen Werten neu laden; das Gespräch beginnt von vorn (Eingabe in einem Feld bewirkt dasselbe)</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>model&apos;s own (%1)</source>
        <translation>modelleigen (%1)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>model&apos;s default (%1)</source>
        <translation>Modellstandard (%1)</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>KV cache: %1 for %2 positions (at most %3 fit in memory and training)</source>
        <translation>KV-Cache: %1 für %2 Positionen (höchstens %3 passen in Speicher und Training)</translation>
    </message>
    <message>
        <location line="-151"/>
        <source>Thinking (reasoning models)</source>
        <translation>Nachdenken (Reasoning-Modelle)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>on</source>
        <translation>an</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Think first</source>
        <translation>Erst nachdenken</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>low</source>
        <translation>niedrig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>medium</source>
        <translation>mittel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>high</source>
        <translation>hoch</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reasoning effort</source>
        <translation>Denkaufwand</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fold the thinking away once the answer starts</source>
        <translation>Nachdenken einklappen, sobald die Antwort beginnt</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>on: the model reasons before it answers; off: it answers at once (the template&apos;s enable_thinking)</source>
        <translation>an: Das Modell denkt nach, bevor es antwortet; aus: Es antwortet sofort (enable_thinking der Vorlage)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This model&apos;s chat template has no thinking switch</source>
        <translation>Die Chat-Vorlage dieses Modells hat keinen Schalter für das Nachdenken</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How long the model reasons (the template&apos;s reasoning_effort)</source>
        <translation>Wie lange das Modell nachdenkt (reasoning_effort der Vorlage)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This model&apos;s chat template does not read a reasoning effort</source>
        <translation>Die Chat-Vorlage dieses Modells liest keinen Denkaufwand</translation>
    </message>
</context>
<context>
    <name>SweepModel</name>
    <message>
        <location filename="../ui/routinglab.cpp" line="-484"/>
        <source>policy</source>
        <translation>Strategie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>curve</source>
        <translation>Kurve</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>perplexity</source>
        <translation>Perplexität</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>KL (nats)</source>
        <translation>KL (nats)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>top-1 agree</source>
        <translation>Top-1-Übereinstimmung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>experts/token</source>
        <translation>Experten/Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>weight MB/token</source>
        <translation>Gewichte MB/Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>decode tok/s</source>
        <translation>Decode Tok./s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pareto</source>
        <translation>Pareto</translation>
    </message>
</context>
<context>
    <name>ThroughputModel</name>
    <message>
        <location filename="../ui/models.cpp" line="-185"/>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Latency (ms)</source>
        <translation>Latenz (ms)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tokens/s</source>
        <translation>Tokens/s</translation>
    </message>
</context>
<context>
    <name>ThroughputView</name>
    <message>
        <location filename="../ui/views.cpp" line="-206"/>
        <source>Decode tokens/s</source>
        <translation>Decode Tokens/s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time to first token</source>
        <translation>Zeit bis zum ersten Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Prefill tokens/s</source>
        <translation>Prefill Tokens/s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latency p50 / p99</source>
        <translation>Latenz p50 / p99</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weights read per token</source>
        <translation>Gelesene Gewichte je Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Achieved bandwidth</source>
        <translation>Erreichte Bandbreite</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Energy per token</source>
        <translation>Energie je Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cost per million tokens</source>
        <translation>Kosten je Million Tokens</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%p% of the device&apos;s bandwidth</source>
        <translation>%p % der Bandbreite des Geräts</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Against the device</source>
        <translation>Im Vergleich zum Gerät</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>generated token</source>
        <translation>erzeugtes Token</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Decode speed (tokens/s, last 8 tokens)</source>
        <translation>Decode-Geschwindigkeit (Tokens/s, letzte 8 Tokens)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tokens/s</source>
        <translation>Tokens/s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latency per token (ms)</source>
        <translation>Latenz je Token (ms)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decode speed</source>
        <translation>Decode-Geschwindigkeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latency per token</source>
        <translation>Latenz je Token</translation>
    </message>
    <message>
        <location line="+43"/>
        <location line="+23"/>
        <source>%1 GB/s</source>
        <translation>%1 GB/s</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 / %2 ms</source>
        <translation>%1 / %2 ms</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 of %2 GB/s</source>
        <translation>%1 von %2 GB/s</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 J (%2)</source>
        <translation>%1 J (%2)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not counted: %1</source>
        <translation>Nicht erfasst: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 USD at %2 USD/h</source>
        <translation>%1 USD bei %2 USD/h</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The price per hour of this machine comes from an entry with its name in %1</source>
        <translation>Der Stundenpreis dieses Rechners stammt aus einem Eintrag mit seinem Namen in %1</translation>
    </message>
</context>
<context>
    <name>TokenHeatmap</name>
    <message>
        <location filename="../ui/heatmaps.cpp" line="-243"/>
        <source>Open a model and send a prompt: every token&apos;s experts appear here.</source>
        <translation>Öffnen Sie ein Modell und senden Sie einen Prompt: Die Experten jedes Tokens erscheinen hier.</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>token</source>
        <translation>Token</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&lt;b&gt;Token %1&lt;/b&gt; “%2” (%3)</source>
        <translation>&lt;b&gt;Token %1&lt;/b&gt; „%2“ (%3)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&lt;b&gt;Layer %1, expert %2&lt;/b&gt;: %3 tokens routed here&lt;br&gt;recent: %4</source>
        <translation>&lt;b&gt;Schicht %1, Experte %2&lt;/b&gt;: %3 Tokens hierher geroutet&lt;br&gt;zuletzt: %4</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&lt;b&gt;Token %1&lt;/b&gt; “%2” (%3)&lt;br&gt;layer %4, expert %5: gate weight %6</source>
        <translation>&lt;b&gt;Token %1&lt;/b&gt; „%2“ (%3)&lt;br&gt;Schicht %4, Experte %5: Gate-Gewicht %6</translation>
    </message>
    <message>
        <location line="-109"/>
        <location line="+92"/>
        <location line="+20"/>
        <source>prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <location line="-112"/>
        <location line="+92"/>
        <location line="+20"/>
        <source>generated</source>
        <translation>erzeugt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>not routed</source>
        <translation>nicht geroutet</translation>
    </message>
</context>
<context>
    <name>TokenModel</name>
    <message>
        <location filename="../ui/models.cpp" line="-231"/>
        <source>prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>generated</source>
        <translation>erzeugt</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>#</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Phase</source>
        <translation>Phase</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Expert %1</source>
        <translation>Experte %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Weight %1</source>
        <translation>Gewicht %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/workbench/main.cpp" line="+20"/>
        <source>Chat with a mixture-of-experts model and watch its experts.</source>
        <translation>Mit einem Mixture-of-Experts-Modell chatten und seinen Experten zusehen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>GGUF model to open</source>
        <translation>zu öffnendes GGUF-Modell</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>run store to record into and read History from (default: the one moe-cli uses, $XDG_DATA_HOME/moe-workbench/runs.sqlite)</source>
        <translation>Laufspeicher, in den aufgezeichnet und aus dem der Verlauf gelesen wird (Standard: der von moe-cli, $XDG_DATA_HOME/moe-workbench/runs.sqlite)</translation>
    </message>
</context>
</TS>
