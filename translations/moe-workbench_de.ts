<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>BalanceTimeModel</name>
    <message>
        <location filename="../ui/models.cpp" line="317"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="318"/>
        <source>Imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="319"/>
        <source>Efficiency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="320"/>
        <source>CV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="321"/>
        <source>Entropy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="322"/>
        <source>Coverage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="323"/>
        <source>Stability</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BalanceView</name>
    <message>
        <location filename="../ui/views.cpp" line="269"/>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="273"/>
        <source>Metrics over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="277"/>
        <source>the last 1024 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="278"/>
        <source>the last 256 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="279"/>
        <source>the whole conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="287"/>
        <source>Tokens routed to each expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="296"/>
        <location filename="../ui/views.cpp" line="349"/>
        <location filename="../ui/views.cpp" line="407"/>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="297"/>
        <source>tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="318"/>
        <source>Mean over layers, windows of %1 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="319"/>
        <source>token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="320"/>
        <source>0 to 1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="322"/>
        <source>imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="326"/>
        <source>entropy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="327"/>
        <source>coverage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="328"/>
        <source>stability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="329"/>
        <source>efficiency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="330"/>
        <source>imbalance (right)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="351"/>
        <source>Experts %1 and %2 chosen together for %3 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="355"/>
        <source>Expert load per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="356"/>
        <source>Balance over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="357"/>
        <source>Metrics per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="358"/>
        <source>Co-activation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="406"/>
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
        <location filename="../ui/panels.cpp" line="350"/>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="364"/>
        <source>Assistant</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../ui/views.cpp" line="594"/>
        <location filename="../ui/views.cpp" line="768"/>
        <source>Pick two or more runs in History and press Compare selected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="603"/>
        <source>Latency per generated token (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="605"/>
        <location filename="../ui/views.cpp" line="612"/>
        <source>Imbalance per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="607"/>
        <source>Routing agreement with the first run, per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="610"/>
        <source>Settings and results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="611"/>
        <source>Latency per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="613"/>
        <source>Routing agreement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="631"/>
        <source>Setting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="632"/>
        <source>Run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="668"/>
        <source>generated token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="669"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="670"/>
        <location filename="../ui/views.cpp" line="672"/>
        <location filename="../ui/views.cpp" line="684"/>
        <source>layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="671"/>
        <source>imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="673"/>
        <source>mean top-k overlap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="684"/>
        <source>token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="696"/>
        <source>run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="700"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="714"/>
        <source>%1 imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="729"/>
        <source>run %1 vs %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="730"/>
        <source>%1 overlap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="732"/>
        <source>%1: no tokens in common to compare (different prompts or no routing recorded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="746"/>
        <source>%1: identical expert sets in %2 % of (token, layer) pairs over %3 common tokens%4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="750"/>
        <source>, first divergence at token %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="751"/>
        <source>, never diverging</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="770"/>
        <source>&lt;b&gt;Routing agreement&lt;/b&gt;&lt;br&gt;%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="775"/>
        <source>run %1 used a different model file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="776"/>
        <source>run %1 had a different prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="779"/>
        <source>Not like for like: %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EngineController</name>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="682"/>
        <source>Open a model first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EngineWorker</name>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="115"/>
        <source>Runs are kept in memory only: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="226"/>
        <source>Opening %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="228"/>
        <source>Creating the backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="235"/>
        <source>Preparing the chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="246"/>
        <source>none: %1 (prompts are token ids)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="252"/>
        <source>none (prompts are token ids)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="262"/>
        <source>Measuring memory bandwidth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="265"/>
        <source>Ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="326"/>
        <source>No model is loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="471"/>
        <source>The run was not recorded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="567"/>
        <source>Could not list the runs: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="585"/>
        <source>Could not load run %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExpertLoadModel</name>
    <message>
        <location filename="../ui/models.cpp" line="204"/>
        <source>Expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="205"/>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="206"/>
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
        <location filename="../ui/views.cpp" line="142"/>
        <source>Tokens × experts (gate weight)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="145"/>
        <location filename="../ui/views.cpp" line="164"/>
        <location filename="../ui/views.cpp" line="221"/>
        <location filename="../ui/views.cpp" line="232"/>
        <location filename="../ui/views.cpp" line="252"/>
        <source>layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="145"/>
        <location filename="../ui/views.cpp" line="164"/>
        <location filename="../ui/views.cpp" line="221"/>
        <location filename="../ui/views.cpp" line="232"/>
        <location filename="../ui/views.cpp" line="252"/>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="150"/>
        <source>&lt;b&gt;Layer %1, expert %2&lt;/b&gt;: %3 tokens&lt;br&gt;recent: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="154"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="156"/>
        <source>Layers × experts load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="161"/>
        <location filename="../ui/views.cpp" line="209"/>
        <source>Click a token in the chat or in the heatmap to see its routing across all layers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="166"/>
        <source>Layer %1, expert %2: gate weight %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="167"/>
        <source>Layer %1, expert %2: not routed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="171"/>
        <source>One token across all layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="194"/>
        <source>Expert %1 (layer %2): %3 tokens, recent %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="233"/>
        <source>Latest token %1 “%2”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="239"/>
        <source>The routing of this token arrives with the next forward pass.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="253"/>
        <source>Token %1 “%2” (%3): its experts in every layer, gate weight as colour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="256"/>
        <source>prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="256"/>
        <source>generated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../ui/views.cpp" line="533"/>
        <source>Filter runs (model, prompt, backend, …)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="536"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="537"/>
        <source>Compare selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="538"/>
        <source>Select two or more runs (Ctrl+click) to see them side by side</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LayerBalanceModel</name>
    <message>
        <location filename="../ui/models.cpp" line="145"/>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="146"/>
        <source>Imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="147"/>
        <source>Efficiency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="148"/>
        <source>CV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="149"/>
        <source>Entropy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="150"/>
        <source>Coverage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="151"/>
        <source>Stability</source>
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
        <location filename="../ui/mainwindow.cpp" line="169"/>
        <source>%1 tokens at %2 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="222"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="223"/>
        <source>&amp;Open model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="225"/>
        <source>Open a GGUF model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="225"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="229"/>
        <source>Open &amp;recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="231"/>
        <source>&amp;Close model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="237"/>
        <source>Export the charts of this tab…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="238"/>
        <source>Export charts into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="253"/>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="254"/>
        <source>Exported %1 charts to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="257"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="259"/>
        <source>&amp;Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="260"/>
        <source>&amp;New conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="268"/>
        <source>&amp;Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="270"/>
        <source>&amp;Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="271"/>
        <source>&amp;Edit last message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="273"/>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="279"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="280"/>
        <source>&amp;About</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="281"/>
        <source>About MoE Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="282"/>
        <source>&lt;b&gt;MoE Workbench %1&lt;/b&gt;&lt;p&gt;Chat with a mixture-of-experts model and watch its routing, load balance and speed as it runs.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="370"/>
        <source>%1 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MatrixHeatmap</name>
    <message>
        <location filename="../ui/heatmaps.cpp" line="298"/>
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
        <location filename="../ui/runsummary.cpp" line="95"/>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="96"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="97"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="98"/>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="99"/>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="100"/>
        <source>Hardware</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="101"/>
        <source>Experts per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="102"/>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="103"/>
        <source>Top-k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="104"/>
        <source>Top-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="105"/>
        <source>Min-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="106"/>
        <source>Repetition penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="107"/>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="108"/>
        <source>Max tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="109"/>
        <source>Prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="110"/>
        <source>Prompt tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="111"/>
        <source>Generated tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="112"/>
        <source>Decode tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="113"/>
        <source>Prefill tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="114"/>
        <source>Time to first token (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="115"/>
        <source>Achieved bandwidth (GB/s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="116"/>
        <source>Mean imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="117"/>
        <source>Mean normalised entropy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runsummary.cpp" line="118"/>
        <source>Routing stability</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunsModel</name>
    <message>
        <location filename="../ui/models.cpp" line="380"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="381"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="382"/>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="383"/>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="384"/>
        <source>Experts/token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="385"/>
        <source>Prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="386"/>
        <source>Prompt tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="387"/>
        <source>Generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="388"/>
        <source>Decode tok/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="389"/>
        <source>Prefill tok/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="390"/>
        <source>TTFT (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="391"/>
        <source>GB/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="392"/>
        <source>Imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="393"/>
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
        <location filename="../ui/models.cpp" line="259"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="260"/>
        <source>Latency (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="261"/>
        <source>Tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ThroughputView</name>
    <message>
        <location filename="../ui/views.cpp" line="430"/>
        <source>Decode tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="431"/>
        <source>Time to first token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="432"/>
        <source>Prefill tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="433"/>
        <source>Latency p50 / p99</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="434"/>
        <source>Weights read per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="435"/>
        <source>Achieved bandwidth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="438"/>
        <source>%p% of the device&apos;s bandwidth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="440"/>
        <source>Against the device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="453"/>
        <source>generated token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="462"/>
        <source>Decode speed (tokens/s, last 8 tokens)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="463"/>
        <source>tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="464"/>
        <source>Latency per token (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="464"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="465"/>
        <source>Decode speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="466"/>
        <source>Latency per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="504"/>
        <location filename="../ui/views.cpp" line="517"/>
        <source>%1 GB/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="512"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="514"/>
        <source>%1 / %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="516"/>
        <source>%1 of %2 GB/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenHeatmap</name>
    <message>
        <location filename="../ui/heatmaps.cpp" line="128"/>
        <source>Open a model and send a prompt: every token&apos;s experts appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="174"/>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="190"/>
        <source>&lt;b&gt;Layer %1, expert %2&lt;/b&gt;: %3 tokens routed here&lt;br&gt;recent: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="194"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="199"/>
        <source>&lt;b&gt;Token %1&lt;/b&gt; “%2” (%3)&lt;br&gt;layer %4, expert %5: gate weight %6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="202"/>
        <source>prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="202"/>
        <source>generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="205"/>
        <source>not routed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenModel</name>
    <message>
        <location filename="../ui/models.cpp" line="64"/>
        <source>prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="64"/>
        <source>generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="80"/>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="81"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="82"/>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="83"/>
        <source>Phase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="84"/>
        <source>Top expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="85"/>
        <source>Gate weight</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/workbench/main.cpp" line="21"/>
        <source>Chat with a mixture-of-experts model and watch its experts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="24"/>
        <source>GGUF model to open</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
