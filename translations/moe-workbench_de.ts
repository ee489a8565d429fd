<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>BalanceMetrics</name>
    <message>
        <location filename="../ui/models.cpp" line="17"/>
        <source>Imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="18"/>
        <source>Efficiency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="19"/>
        <source>CV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="20"/>
        <source>Entropy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="21"/>
        <source>Coverage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="22"/>
        <source>Stability</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BalanceTimeModel</name>
    <message>
        <location filename="../ui/models.cpp" line="330"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BalanceView</name>
    <message>
        <location filename="../ui/views.cpp" line="271"/>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="275"/>
        <source>Metrics over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="279"/>
        <source>the last 1024 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="280"/>
        <source>the last 256 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="281"/>
        <source>the whole conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="289"/>
        <source>Tokens routed to each expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="298"/>
        <location filename="../ui/views.cpp" line="355"/>
        <location filename="../ui/views.cpp" line="417"/>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="299"/>
        <source>tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="320"/>
        <source>Mean over layers, windows of %1 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="321"/>
        <source>token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="322"/>
        <source>0 to 1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="324"/>
        <location filename="../ui/views.cpp" line="332"/>
        <source>imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="328"/>
        <source>entropy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="329"/>
        <source>coverage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="330"/>
        <source>stability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="331"/>
        <source>efficiency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="357"/>
        <source>Experts %1 and %2 chosen together for %3 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="363"/>
        <source>Expert load per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="364"/>
        <source>Balance over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="365"/>
        <source>Metrics per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="366"/>
        <source>Co-activation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="416"/>
        <source>Layer %1: tokens that chose both experts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChartExporter</name>
    <message>
        <location filename="../ui/chartexporter.cpp" line="47"/>
        <source>model: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="48"/>
        <source>run: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="49"/>
        <source>hardware: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="50"/>
        <source>MoE Workbench %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="55"/>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="65"/>
        <source>The chart has no size to export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="80"/>
        <location filename="../ui/chartexporter.cpp" line="130"/>
        <location filename="../ui/chartexporter.cpp" line="150"/>
        <source>Could not write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="91"/>
        <location filename="../ui/chartexporter.cpp" line="94"/>
        <location filename="../ui/chartexporter.cpp" line="105"/>
        <source>Could not write %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="114"/>
        <source>Unknown chart format &apos;%1&apos;: use .png, .svg or .pdf.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChartPanel</name>
    <message>
        <location filename="../ui/panels.cpp" line="42"/>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="43"/>
        <source>Export this chart or its data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="46"/>
        <source>Chart as PNG, SVG or PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="47"/>
        <source>Data as CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="69"/>
        <source>This chart has no data to export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="77"/>
        <source>Export %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="82"/>
        <location filename="../ui/panels.cpp" line="94"/>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="89"/>
        <source>Export data of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="90"/>
        <source>CSV table (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <location filename="../ui/panels.cpp" line="282"/>
        <location filename="../ui/panels.cpp" line="329"/>
        <source>Open a model (File › Open, or drop a .gguf file here), then type below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="289"/>
        <source>Message (Ctrl+Enter sends)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="293"/>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="294"/>
        <source>Edit last</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="295"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="296"/>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="327"/>
        <source>Type a message below and press Send (Ctrl+Enter). Click any word of the reply to see its experts in every layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="354"/>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="368"/>
        <source>Assistant</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../ui/views.cpp" line="604"/>
        <location filename="../ui/views.cpp" line="787"/>
        <source>Pick two or more runs in History and press Compare selected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="613"/>
        <source>Latency per generated token (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="615"/>
        <location filename="../ui/views.cpp" line="622"/>
        <source>Imbalance per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="617"/>
        <source>Routing agreement with the first run, per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="620"/>
        <source>Settings and results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="621"/>
        <source>Latency per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="623"/>
        <source>Routing agreement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="644"/>
        <source>Setting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="645"/>
        <source>Run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="682"/>
        <source>generated token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="683"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="684"/>
        <location filename="../ui/views.cpp" line="686"/>
        <location filename="../ui/views.cpp" line="698"/>
        <source>layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="685"/>
        <source>imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="687"/>
        <source>top-k overlap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="763"/>
        <source>%1: mean top-k overlap %2, identical expert sets in %3 % of (token, layer) pairs over %4 common tokens%5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="698"/>
        <source>token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="710"/>
        <source>run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="714"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="728"/>
        <source>%1 imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="743"/>
        <source>run %1 vs %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="744"/>
        <source>%1 overlap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="746"/>
        <source>%1: no tokens in common to compare (different prompts or no routing recorded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="769"/>
        <source>, first divergence at token %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="770"/>
        <source>, never diverging</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="789"/>
        <source>&lt;b&gt;Routing agreement&lt;/b&gt;&lt;br&gt;%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="794"/>
        <source>run %1 used a different model file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="795"/>
        <source>run %1 had a different prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="798"/>
        <source>Not like for like: %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EngineController</name>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="622"/>
        <source>Open a model first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EngineWorker</name>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="114"/>
        <source>The run store cannot be opened: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="209"/>
        <source>Opening %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="211"/>
        <source>Creating the backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="218"/>
        <source>Preparing the chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="229"/>
        <source>none: %1 (prompts are token ids)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="234"/>
        <source>none (prompts are token ids)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="243"/>
        <source>Measuring memory bandwidth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="246"/>
        <source>Ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="301"/>
        <source>No model is loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="408"/>
        <source>the run store could not be opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="413"/>
        <source>The run was not recorded (%1); it is kept in %2 for `moe-cli runs import`.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="416"/>
        <source>The run was not recorded (%1), and could not be kept as a file either: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="505"/>
        <source>Could not list the runs: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="521"/>
        <source>Could not load run %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExpertLoadModel</name>
    <message>
        <location filename="../ui/models.cpp" line="218"/>
        <source>Expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="219"/>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="220"/>
        <source>Load share</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExpertsView</name>
    <message>
        <location filename="../ui/views.cpp" line="124"/>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="129"/>
        <source>Load over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="131"/>
        <source>the whole conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="132"/>
        <source>the last 64 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="133"/>
        <source>the last 256 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="143"/>
        <source>Tokens × experts (gate weight)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="146"/>
        <location filename="../ui/views.cpp" line="165"/>
        <location filename="../ui/views.cpp" line="223"/>
        <location filename="../ui/views.cpp" line="234"/>
        <location filename="../ui/views.cpp" line="254"/>
        <source>layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="146"/>
        <location filename="../ui/views.cpp" line="165"/>
        <location filename="../ui/views.cpp" line="223"/>
        <location filename="../ui/views.cpp" line="234"/>
        <location filename="../ui/views.cpp" line="254"/>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="151"/>
        <source>&lt;b&gt;Layer %1, expert %2&lt;/b&gt;: %3 tokens&lt;br&gt;recent: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="155"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="157"/>
        <source>Layers × experts load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="162"/>
        <location filename="../ui/views.cpp" line="211"/>
        <source>Click a token in the chat or in the heatmap to see its routing across all layers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="167"/>
        <source>Layer %1, expert %2: gate weight %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="168"/>
        <source>Layer %1, expert %2: not routed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="172"/>
        <source>One token across all layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="196"/>
        <source>Expert %1 (layer %2): %3 tokens, recent %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="235"/>
        <source>Latest token %1 “%2”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="241"/>
        <source>The routing of this token arrives with the next forward pass.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="255"/>
        <source>Token %1 “%2” (%3): its experts in every layer, gate weight as colour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="258"/>
        <source>prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="258"/>
        <source>generated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../ui/views.cpp" line="543"/>
        <source>Filter runs (model, prompt, backend, …)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="546"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="547"/>
        <source>Compare selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="548"/>
        <source>Select two or more runs (Ctrl+click) to see them side by side</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LayerBalanceModel</name>
    <message>
        <location filename="../ui/models.cpp" line="167"/>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="38"/>
        <source>MoE Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="53"/>
        <source>Experts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="54"/>
        <source>Balance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="55"/>
        <source>Throughput</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="56"/>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="57"/>
        <source>Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="70"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="71"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="72"/>
        <source>Model and settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="81"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="122"/>
        <source>Loading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="135"/>
        <source>Loading cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="140"/>
        <source>The model could not be opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="141"/>
        <source>Could not open the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="154"/>
        <source>%1 — MoE Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="155"/>
        <source>%1 loaded on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="165"/>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="166"/>
        <source>max tokens reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="170"/>
        <source>%1 tokens at %2 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="223"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="224"/>
        <source>&amp;Open model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="226"/>
        <source>Open a GGUF model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="226"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="230"/>
        <source>Open &amp;recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="232"/>
        <source>&amp;Close model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="238"/>
        <source>Export the charts of this tab…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="239"/>
        <source>Export charts into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="254"/>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="255"/>
        <source>Exported %1 charts to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="258"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="260"/>
        <source>&amp;Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="261"/>
        <source>&amp;New conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="269"/>
        <source>&amp;Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="271"/>
        <source>&amp;Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="272"/>
        <source>&amp;Edit last message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="274"/>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="280"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="281"/>
        <source>&amp;About</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="282"/>
        <source>About MoE Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="283"/>
        <source>&lt;b&gt;MoE Workbench %1&lt;/b&gt;&lt;p&gt;Chat with a mixture-of-experts model and watch its routing, load balance and speed as it runs.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="371"/>
        <source>%1 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MatrixHeatmap</name>
    <message>
        <location filename="../ui/heatmaps.cpp" line="319"/>
        <source>No routing yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelCardView</name>
    <message>
        <location filename="../ui/panels.cpp" line="115"/>
        <source>Architecture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="116"/>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="117"/>
        <source>Experts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="118"/>
        <source>Experts per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="119"/>
        <source>Shared experts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="120"/>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="121"/>
        <source>Deactivated per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="122"/>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="123"/>
        <source>Context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="124"/>
        <source>Memory needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="125"/>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="126"/>
        <source>Memory bandwidth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="127"/>
        <source>Chat format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="128"/>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="143"/>
        <source>No model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="149"/>
        <source>%1, mixture of experts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="150"/>
        <source>%1, dense</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="151"/>
        <source>%1 (%2 with experts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="152"/>
        <source>%1 per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="154"/>
        <source>top-%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="155"/>
        <source>top-%1 (model: top-%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="158"/>
        <source>%1 total, %2 active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="159"/>
        <source>%1 % of the parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="161"/>
        <source>%1 in use (trained: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="163"/>
        <source>%1 (weights %2 + KV cache %3), %4 available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="171"/>
        <source>%1 GB/s read (measured), %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="172"/>
        <source>not measured</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunCompare</name>
    <message>
        <location filename="../ui/runsummary.cpp" line="97"/>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="98"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="99"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="100"/>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="101"/>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="102"/>
        <source>Hardware</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="103"/>
        <source>Experts per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="104"/>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="105"/>
        <source>Top-k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="106"/>
        <source>Top-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="107"/>
        <source>Min-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="108"/>
        <source>Repetition penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="109"/>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="110"/>
        <source>Max tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="111"/>
        <source>Prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="112"/>
        <source>Prompt tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="113"/>
        <source>Generated tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="114"/>
        <source>Decode tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="115"/>
        <source>Prefill tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="116"/>
        <source>Time to first token (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="117"/>
        <source>Achieved bandwidth (GB/s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="118"/>
        <source>Mean imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="119"/>
        <source>Mean normalised entropy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="120"/>
        <source>Routing stability</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunsModel</name>
    <message>
        <location filename="../ui/models.cpp" line="385"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="386"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="387"/>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="388"/>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="389"/>
        <source>Experts/token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="390"/>
        <source>Prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="391"/>
        <source>Prompt tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="392"/>
        <source>Generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="393"/>
        <source>Decode tok/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="394"/>
        <source>Prefill tok/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="395"/>
        <source>TTFT (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="396"/>
        <source>GB/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="397"/>
        <source>Imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="398"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsPanel</name>
    <message>
        <location filename="../ui/panels.cpp" line="186"/>
        <source>System prompt (applies to new conversations)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="188"/>
        <source>System prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="204"/>
        <source>0 picks the most likely token every time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="205"/>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="207"/>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="208"/>
        <source>Top-k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="210"/>
        <source>Top-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="212"/>
        <source>Min-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="214"/>
        <source>Repetition penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="216"/>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="218"/>
        <source>Max tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="223"/>
        <source>model&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="224"/>
        <source>Experts used per token; changing it reloads the backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="225"/>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="229"/>
        <source>Experts per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="271"/>
        <source>model&apos;s own (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ThroughputModel</name>
    <message>
        <location filename="../ui/models.cpp" line="273"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="274"/>
        <source>Latency (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="275"/>
        <source>Tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ThroughputView</name>
    <message>
        <location filename="../ui/views.cpp" line="440"/>
        <source>Decode tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="441"/>
        <source>Time to first token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="442"/>
        <source>Prefill tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="443"/>
        <source>Latency p50 / p99</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="444"/>
        <source>Weights read per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="445"/>
        <source>Achieved bandwidth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="448"/>
        <source>%p% of the device&apos;s bandwidth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="450"/>
        <source>Against the device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="463"/>
        <source>generated token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="472"/>
        <source>Decode speed (tokens/s, last 8 tokens)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="473"/>
        <source>tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="474"/>
        <source>Latency per token (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="474"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="475"/>
        <source>Decode speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="476"/>
        <source>Latency per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="514"/>
        <location filename="../ui/views.cpp" line="527"/>
        <source>%1 GB/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="522"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="524"/>
        <source>%1 / %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="526"/>
        <source>%1 of %2 GB/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenHeatmap</name>
    <message>
        <location filename="../ui/heatmaps.cpp" line="138"/>
        <source>Open a model and send a prompt: every token&apos;s experts appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="194"/>
        <source>token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="198"/>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="214"/>
        <source>&lt;b&gt;Layer %1, expert %2&lt;/b&gt;: %3 tokens routed here&lt;br&gt;recent: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="218"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="223"/>
        <source>&lt;b&gt;Token %1&lt;/b&gt; “%2” (%3)&lt;br&gt;layer %4, expert %5: gate weight %6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="160"/>
        <location filename="../ui/heatmaps.cpp" line="226"/>
        <source>prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="160"/>
        <location filename="../ui/heatmaps.cpp" line="226"/>
        <source>generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="229"/>
        <source>not routed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenModel</name>
    <message>
        <location filename="../ui/models.cpp" line="81"/>
        <source>prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="81"/>
        <source>generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="101"/>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="102"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="103"/>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="104"/>
        <source>Phase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="108"/>
        <source>Expert %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="108"/>
        <source>Weight %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/workbench/main.cpp" line="22"/>
        <source>Chat with a mixture-of-experts model and watch its experts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="25"/>
        <source>GGUF model to open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="27"/>
        <source>run store to record into and read History from (default: the one moe-cli uses, $XDG_DATA_HOME/moe-workbench/runs.sqlite)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
