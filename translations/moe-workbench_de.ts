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
        <location filename="../ui/models.cpp" line="339"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BalanceView</name>
    <message>
        <location filename="../ui/views.cpp" line="322"/>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="326"/>
        <source>Metrics over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="330"/>
        <source>the last 1024 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="331"/>
        <source>the last 256 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="332"/>
        <source>the whole conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="340"/>
        <source>Tokens routed to each expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="351"/>
        <location filename="../ui/views.cpp" line="414"/>
        <location filename="../ui/views.cpp" line="496"/>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="354"/>
        <source>tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="375"/>
        <source>Mean over layers, windows of %1 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="376"/>
        <source>token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="377"/>
        <source>0 to 1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="379"/>
        <location filename="../ui/views.cpp" line="387"/>
        <source>imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="383"/>
        <source>entropy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="384"/>
        <source>coverage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="385"/>
        <source>stability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="386"/>
        <source>efficiency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="416"/>
        <source>Experts %1 and %2 chosen together for %3 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="422"/>
        <source>Expert load per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="423"/>
        <source>Balance over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="424"/>
        <source>Metrics per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="425"/>
        <source>Co-activation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="495"/>
        <source>Layer %1: tokens that chose both experts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChartExporter</name>
    <message>
        <location filename="../ui/chartexporter.cpp" line="51"/>
        <source>model: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="52"/>
        <source>run: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="53"/>
        <source>hardware: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="54"/>
        <source>MoE Workbench %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="59"/>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="75"/>
        <source>The chart has no size to export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="80"/>
        <source>The chart is too large to export as PNG (%1 x %2 pixels).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="92"/>
        <location filename="../ui/chartexporter.cpp" line="142"/>
        <location filename="../ui/chartexporter.cpp" line="162"/>
        <source>Could not write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="103"/>
        <location filename="../ui/chartexporter.cpp" line="106"/>
        <location filename="../ui/chartexporter.cpp" line="117"/>
        <source>Could not write %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chartexporter.cpp" line="126"/>
        <source>Unknown chart format &apos;%1&apos;: use .png, .svg or .pdf.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChartPanel</name>
    <message>
        <location filename="../ui/panels.cpp" line="98"/>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="99"/>
        <source>Export this chart or its data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="102"/>
        <source>Chart as PNG, SVG or PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="103"/>
        <source>Data as CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="131"/>
        <source>This chart has no data to export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="139"/>
        <source>Export %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="144"/>
        <location filename="../ui/panels.cpp" line="156"/>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="151"/>
        <source>Export data of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="152"/>
        <source>CSV table (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <location filename="../ui/panels.cpp" line="426"/>
        <location filename="../ui/panels.cpp" line="476"/>
        <source>Open a model (File › Open, or drop a .gguf file here), then type below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="433"/>
        <source>Message (Ctrl+Enter sends)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="437"/>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="438"/>
        <source>Edit last</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="439"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="440"/>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="474"/>
        <source>Type a message below and press Send (Ctrl+Enter). Click any word of the reply to see its experts in every layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="501"/>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="521"/>
        <source>reading the prompt…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="588"/>
        <source>Assistant</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../ui/views.cpp" line="689"/>
        <location filename="../ui/views.cpp" line="899"/>
        <source>Pick two or more runs in History and press Compare selected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="698"/>
        <source>Latency per generated token (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="700"/>
        <location filename="../ui/views.cpp" line="707"/>
        <source>Imbalance per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="702"/>
        <source>Routing agreement with the first run, per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="705"/>
        <source>Settings and results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="706"/>
        <source>Latency per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="708"/>
        <source>Routing agreement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="744"/>
        <source>Reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="746"/>
        <source>Setting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="747"/>
        <source>Run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="785"/>
        <source>generated token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="786"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="787"/>
        <location filename="../ui/views.cpp" line="789"/>
        <location filename="../ui/views.cpp" line="801"/>
        <source>layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="788"/>
        <source>imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="905"/>
        <source>some runs could not be loaded whole</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="867"/>
        <source>%1: mean top-k overlap %2, identical expert sets in %3 % of (token, layer) pairs over %4 common tokens%5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="801"/>
        <source>token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="790"/>
        <source>overlap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="813"/>
        <source>run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="817"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="831"/>
        <source>%1 imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="844"/>
        <source>run %1 vs %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="845"/>
        <source>%1 overlap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="849"/>
        <source>%1: no tokens in common to compare (different prompts or no routing recorded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="874"/>
        <source>, first divergence at token %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="875"/>
        <source>, never diverging</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="877"/>
        <source>%1: mean overlap of the experts chosen %2 over %3 common tokens (the runs use different numbers of experts per token, so identical sets do not apply)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="901"/>
        <source>&lt;b&gt;Routing agreement&lt;/b&gt;&lt;br&gt;%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="907"/>
        <source>Not like for like: %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EngineController</name>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="408"/>
        <source>Open a model first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="413"/>
        <source>A model is being opened; send again when it is ready.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EngineWorker</name>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="54"/>
        <source>The run store cannot be opened: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="146"/>
        <source>Measuring memory bandwidth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="155"/>
        <source>Ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="182"/>
        <source>No model is loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="268"/>
        <source>The run was not recorded and could not be kept: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="265"/>
        <source>The run was not recorded (%1); it is kept in %2 for `moe-cli runs import`.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="292"/>
        <source>Could not list the runs: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="308"/>
        <source>Could not load run %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExpertLoadModel</name>
    <message>
        <location filename="../ui/models.cpp" line="226"/>
        <source>Expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="227"/>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="228"/>
        <source>Load share</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExpertsView</name>
    <message>
        <location filename="../ui/views.cpp" line="155"/>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="160"/>
        <source>Load over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="162"/>
        <source>the whole conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="163"/>
        <source>the last 64 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="164"/>
        <source>the last 256 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="167"/>
        <source>Token columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="169"/>
        <source>with their text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="170"/>
        <source>wide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="171"/>
        <source>narrow (more tokens)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="178"/>
        <source>Point at the heatmap: the expert under the mouse and the tokens it handled last appear here. Click a column to see that token in every layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="184"/>
        <source>Tokens × experts (gate weight)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="190"/>
        <location filename="../ui/views.cpp" line="210"/>
        <location filename="../ui/views.cpp" line="273"/>
        <location filename="../ui/views.cpp" line="284"/>
        <location filename="../ui/views.cpp" line="304"/>
        <source>layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="190"/>
        <location filename="../ui/views.cpp" line="210"/>
        <location filename="../ui/views.cpp" line="273"/>
        <location filename="../ui/views.cpp" line="284"/>
        <location filename="../ui/views.cpp" line="304"/>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="195"/>
        <source>&lt;b&gt;Layer %1, expert %2&lt;/b&gt;: %3 tokens&lt;br&gt;recent: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="199"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="201"/>
        <source>Layers × experts load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="206"/>
        <location filename="../ui/views.cpp" line="261"/>
        <source>Click a token in the chat or in the heatmap to see its routing across all layers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="212"/>
        <source>Layer %1, expert %2: gate weight %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="213"/>
        <source>Layer %1, expert %2: not routed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="217"/>
        <source>One token across all layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="241"/>
        <source>Expert %1 (layer %2): %3 tokens, recent %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="285"/>
        <source>Latest token %1 “%2”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="291"/>
        <source>The routing of this token arrives with the next forward pass.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="305"/>
        <source>Token %1 “%2” (%3): its experts in every layer, gate weight as colour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="308"/>
        <source>prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="308"/>
        <source>generated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../ui/views.cpp" line="628"/>
        <source>Filter runs (model, prompt, backend, …)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="631"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="632"/>
        <source>Compare selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="633"/>
        <source>Select two or more runs (Ctrl+click) to see them side by side</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LayerBalanceModel</name>
    <message>
        <location filename="../ui/models.cpp" line="175"/>
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
        <location filename="../ui/mainwindow.cpp" line="149"/>
        <source>Could not open the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="364"/>
        <source>%1 — MoE Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="163"/>
        <source>%1 loaded on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="138"/>
        <source>%1 is still loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="142"/>
        <source>Loading cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="148"/>
        <source>The model could not be opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="165"/>
        <source>Max tokens lowered to %1: the context holds %2 positions, and the next message needs room too</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="177"/>
        <source>Reading the prompt…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="184"/>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="185"/>
        <source>max tokens reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="189"/>
        <source>stopped while reading the prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="190"/>
        <source>1 token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="191"/>
        <source>%1 tokens at %2 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="240"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="241"/>
        <source>&amp;Open model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="243"/>
        <source>Open a GGUF model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="243"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="247"/>
        <source>Open &amp;recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="249"/>
        <source>&amp;Close model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="255"/>
        <source>Export the charts of this tab…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="256"/>
        <source>Export charts into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="271"/>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="272"/>
        <source>Exported %1 charts to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="275"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="277"/>
        <source>&amp;Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="278"/>
        <source>&amp;New conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="287"/>
        <source>&amp;Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="289"/>
        <source>&amp;Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="290"/>
        <source>&amp;Edit last message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="292"/>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="298"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="299"/>
        <source>&amp;About</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="300"/>
        <source>About MoE Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="301"/>
        <source>&lt;b&gt;MoE Workbench %1&lt;/b&gt;&lt;p&gt;Chat with a mixture-of-experts model and watch its routing, load balance and speed as it runs.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="363"/>
        <source>%1 at top-%2 of %3 experts — MoE Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="398"/>
        <source>Reload the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="399"/>
        <source>Applying %1 experts per token and a context of %2 reloads the model and starts a new conversation; the current one stays in History. Continue?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="401"/>
        <source>the model&apos;s own number of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="402"/>
        <source>the model&apos;s default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="405"/>
        <source>Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="434"/>
        <source>%1 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MatrixHeatmap</name>
    <message>
        <location filename="../ui/heatmaps.cpp" line="448"/>
        <source>No routing yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelCardView</name>
    <message>
        <location filename="../ui/panels.cpp" line="177"/>
        <source>Architecture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="178"/>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="179"/>
        <source>Experts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="180"/>
        <source>Experts per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="181"/>
        <source>Shared experts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="182"/>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="183"/>
        <source>Deactivated per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="184"/>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="185"/>
        <source>Context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="186"/>
        <source>Memory needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="187"/>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="188"/>
        <source>Memory bandwidth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="189"/>
        <source>Chat format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="190"/>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="205"/>
        <source>No model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="211"/>
        <source>%1, mixture of experts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="212"/>
        <source>%1, dense</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="213"/>
        <source>%1 (%2 with experts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="214"/>
        <source>%1 per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="216"/>
        <source>top-%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="217"/>
        <source>top-%1 (model: top-%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="220"/>
        <source>%1 total, %2 active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="221"/>
        <source>%1 % of the parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="223"/>
        <source>%1 in use (trained: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="225"/>
        <source>%1 (weights %2 + KV cache %3), %4 available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="233"/>
        <source>%1 GB/s read, best of %2 (lowest %3), measured once at start, %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="240"/>
        <source>The repetitions spread widely: the machine was busy, so shares of it are rough.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="243"/>
        <source>not measured</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunView</name>
    <message>
        <location filename="../ui/runview.cpp" line="153"/>
        <source>the token limit was reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runview.cpp" line="154"/>
        <source>the model ended its reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runview.cpp" line="155"/>
        <source>the context was full</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runview.cpp" line="156"/>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runview.cpp" line="157"/>
        <source>complete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runview.cpp" line="158"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunsModel</name>
    <message>
        <location filename="../ui/models.cpp" line="346"/>
        <source>max tokens reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="347"/>
        <source>end of reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="348"/>
        <source>context full</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="349"/>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="350"/>
        <source>complete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="351"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="413"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="414"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="415"/>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="416"/>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="417"/>
        <source>Experts/token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="418"/>
        <source>Prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="419"/>
        <source>Prompt tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="420"/>
        <source>Generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="421"/>
        <source>Decode tok/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="422"/>
        <source>Prefill tok/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="423"/>
        <source>TTFT (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="424"/>
        <source>GB/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="425"/>
        <source>Imbalance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="426"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsPanel</name>
    <message>
        <location filename="../ui/panels.cpp" line="283"/>
        <source>System prompt (applies to new conversations)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="285"/>
        <source>System prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="287"/>
        <source>Sampling (the next reply)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="289"/>
        <source>0 picks the most likely token every time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="290"/>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="292"/>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="296"/>
        <source>Top-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="298"/>
        <source>Min-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="300"/>
        <source>Repetition penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="302"/>
        <source>random</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="303"/>
        <source>random: a new seed each reply (History shows the one used); a number repeats a reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="304"/>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="306"/>
        <source>Max tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="308"/>
        <source>Model (applying reloads it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="311"/>
        <source>model&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="323"/>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="313"/>
        <source>Experts per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="281"/>
        <source>Conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="293"/>
        <source>Sample the next token among the k most likely tokens of the vocabulary (not the experts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="294"/>
        <source>Sampling top-k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="312"/>
        <source>Experts each token is routed to in every MoE layer (the router&apos;s top-k), for this model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="317"/>
        <source>model&apos;s default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="318"/>
        <source>Positions the KV cache holds: prompt, replies and every earlier turn of the conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="319"/>
        <source>Context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="324"/>
        <source>Reload the model with these; the conversation starts over (Enter in a box does the same)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="375"/>
        <source>model&apos;s own (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="391"/>
        <source>model&apos;s default (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/panels.cpp" line="412"/>
        <source>KV cache: %1 for %2 positions (at most %3 fit in memory and training)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ThroughputModel</name>
    <message>
        <location filename="../ui/models.cpp" line="281"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="282"/>
        <source>Latency (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="283"/>
        <source>Tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ThroughputView</name>
    <message>
        <location filename="../ui/views.cpp" line="519"/>
        <source>Decode tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="520"/>
        <source>Time to first token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="521"/>
        <source>Prefill tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="522"/>
        <source>Latency p50 / p99</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="523"/>
        <source>Weights read per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="524"/>
        <source>Achieved bandwidth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="527"/>
        <source>%p% of the device&apos;s bandwidth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="529"/>
        <source>Against the device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="542"/>
        <source>generated token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="551"/>
        <source>Decode speed (tokens/s, last 8 tokens)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="552"/>
        <source>tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="553"/>
        <source>Latency per token (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="553"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="554"/>
        <source>Decode speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="555"/>
        <source>Latency per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="593"/>
        <location filename="../ui/views.cpp" line="612"/>
        <source>%1 GB/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="605"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="607"/>
        <source>%1 / %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views.cpp" line="611"/>
        <source>%1 of %2 GB/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenHeatmap</name>
    <message>
        <location filename="../ui/heatmaps.cpp" line="221"/>
        <source>Open a model and send a prompt: every token&apos;s experts appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="279"/>
        <source>token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="319"/>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="333"/>
        <source>&lt;b&gt;Token %1&lt;/b&gt; “%2” (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="344"/>
        <source>&lt;b&gt;Layer %1, expert %2&lt;/b&gt;: %3 tokens routed here&lt;br&gt;recent: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="348"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="352"/>
        <source>&lt;b&gt;Token %1&lt;/b&gt; “%2” (%3)&lt;br&gt;layer %4, expert %5: gate weight %6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="244"/>
        <location filename="../ui/heatmaps.cpp" line="336"/>
        <location filename="../ui/heatmaps.cpp" line="355"/>
        <source>prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="244"/>
        <location filename="../ui/heatmaps.cpp" line="336"/>
        <location filename="../ui/heatmaps.cpp" line="355"/>
        <source>generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/heatmaps.cpp" line="358"/>
        <source>not routed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenModel</name>
    <message>
        <location filename="../ui/models.cpp" line="89"/>
        <source>prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="89"/>
        <source>generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="109"/>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="110"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="111"/>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="112"/>
        <source>Phase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="116"/>
        <source>Expert %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models.cpp" line="116"/>
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
