<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BalanceMetrics</name>
    <message>
        <location filename="../ui/models.cpp" line="+18"/>
        <source>Imbalance</source>
        <translation>不均衡度</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Efficiency</source>
        <translation>效率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CV</source>
        <translation>CV</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Entropy</source>
        <translation>熵</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stability</source>
        <translation>稳定性</translation>
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
        <translation>层</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Metrics over</source>
        <translation>指标范围</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the last 1024 tokens</source>
        <translation>最近 1024 个 Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the last 256 tokens</source>
        <translation>最近 256 个 Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the whole conversation</source>
        <translation>整个对话</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Tokens routed to each expert</source>
        <translation>路由到各专家的 Token 数</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+64"/>
        <location line="+24"/>
        <location line="+184"/>
        <source>expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <location line="-269"/>
        <source>tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Mean over layers, windows of %1 tokens</source>
        <translation>各层平均，窗口为 %1 个 Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>token</source>
        <translation>Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>0 to 1</source>
        <translation>0 到 1</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+7"/>
        <location line="+147"/>
        <source>imbalance</source>
        <translation>不均衡度</translation>
    </message>
    <message>
        <location line="-150"/>
        <source>entropy</source>
        <translation>熵</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>stability</source>
        <translation>稳定性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>efficiency</source>
        <translation>效率</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Experts %1 and %2 chosen together for %3 tokens</source>
        <translation>专家 %1 和 %2 同时被选中的 Token 数：%3</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Expert load per layer</source>
        <translation>各层专家负载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Balance over time</source>
        <translation>负载均衡随时间变化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Metrics per layer</source>
        <translation>各层指标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Co-activation</source>
        <translation>共激活</translation>
    </message>
    <message>
        <location line="+161"/>
        <source>Layer %1: tokens that chose both experts</source>
        <translation>第 %1 层：同时选择两个专家的 Token</translation>
    </message>
    <message>
        <location line="-195"/>
        <source>Windows of</source>
        <translation>窗口大小</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+87"/>
        <source>%1 tokens</source>
        <translation>%1 个 Token</translation>
    </message>
    <message>
        <location line="-78"/>
        <source>tokens from</source>
        <translation>起始 Token</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&lt;b&gt;Tokens %1–%2, expert %3&lt;/b&gt;: %4 % of the window&apos;s load (%5 % over the whole conversation)&lt;br&gt;drift from the whole: %6</source>
        <translation>&lt;b&gt;Token %1–%2，专家 %3&lt;/b&gt;：占该窗口负载的 %4 %（整个对话中为 %5 %）&lt;br&gt;相对整体的漂移：%6</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Load over position</source>
        <translation>负载随位置变化</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>first token</source>
        <translation>首个 Token</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>last token</source>
        <translation>末个 Token</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>drift</source>
        <translation>漂移</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>top expert</source>
        <translation>最高专家</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>top share</source>
        <translation>最高占比</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>expert %1</source>
        <translation>专家 %1</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Layer %1: share of each window&apos;s expert load</source>
        <translation>第 %1 层：各窗口专家负载的占比</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How the experts&apos; load moves along the conversation appears here once tokens have been routed.</source>
        <translation>Token 经过路由后，这里显示专家负载如何随对话推移而变化。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Drift (Jensen–Shannon divergence of a window&apos;s load from the whole conversation&apos;s, nats, at most 0.693): mean %1, largest %2 at tokens %3–%4, where expert %5 takes %6 %.</source>
        <translation>漂移（窗口负载与整个对话负载的 Jensen–Shannon 散度，单位 nats，最大 0.693）：平均 %1，最大 %2，位于 Token %3–%4，其中专家 %5 承担 %6 %。</translation>
    </message>
</context>
<context>
    <name>ChartExporter</name>
    <message>
        <location filename="../ui/chartexporter.cpp" line="+51"/>
        <source>model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>run: %1</source>
        <translation>运行：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>hardware: %1</source>
        <translation>硬件：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MoE Workbench %1</source>
        <translation>MoE 工作台 %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;SVG 矢量图 (*.svg);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The chart has no size to export.</source>
        <translation>图表尺寸为零，无法导出。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The chart is too large to export as PNG (%1 x %2 pixels).</source>
        <translation>图表过大，无法导出为 PNG（%1 × %2 像素）。</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+51"/>
        <location line="+21"/>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location line="-61"/>
        <location line="+4"/>
        <location line="+11"/>
        <source>Could not write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Unknown chart format &apos;%1&apos;: use .png, .svg or .pdf.</source>
        <translation>未知的图表格式“%1”：请使用 .png、.svg 或 .pdf。</translation>
    </message>
</context>
<context>
    <name>ChartPanel</name>
    <message>
        <location filename="../ui/panels.cpp" line="+108"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export this chart or its data</source>
        <translation>导出此图表或其数据</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Chart as PNG, SVG or PDF…</source>
        <translation>图表（PNG、SVG 或 PDF）…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Data as CSV…</source>
        <translation>数据（CSV）…</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>This chart has no data to export.</source>
        <translation>此图表没有可导出的数据。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Export %1</source>
        <translation>导出 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+12"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Export data of %1</source>
        <translation>导出 %1 的数据</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <location filename="../ui/chatpanel.cpp" line="+55"/>
        <location line="+51"/>
        <source>Open a model (File › Open, or drop a .gguf file here), then type below.</source>
        <translation>请先打开一个模型（文件 › 打开，或将 .gguf 文件拖放到这里），然后在下方输入。</translation>
    </message>
    <message>
        <location line="-43"/>
        <source>Message (Ctrl+Enter sends)</source>
        <translation>消息（Ctrl+Enter 发送）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit last</source>
        <translation>编辑上一条</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Type a message below and press Send (Ctrl+Enter). Click any word of the reply to see its experts in every layer.</source>
        <translation>在下方输入消息并点击“发送”（Ctrl+Enter）。点击回复中的任意词，即可查看它在每一层的专家。</translation>
    </message>
    <message>
        <location line="-73"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location line="+113"/>
        <source>reading the prompt…</source>
        <translation>正在读取提示词…</translation>
    </message>
    <message>
        <location line="-101"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location line="+172"/>
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Thought for 1 token, %1 s</source>
        <translation>已思考 1 个 Token，%1 秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thought for %1 tokens, %2 s</source>
        <translation>已思考 %1 个 Token，%2 秒</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Click to fold the thinking away</source>
        <translation>点击折叠思考过程</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Click to show the thinking</source>
        <translation>点击显示思考过程</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../ui/views.cpp" line="+358"/>
        <location line="+221"/>
        <source>Pick two or more runs in History and press Compare selected.</source>
        <translation>请在“历史”中选择两次或更多运行，然后点击“对比所选”。</translation>
    </message>
    <message>
        <location line="-212"/>
        <source>Latency per generated token (ms)</source>
        <translation>每个生成 Token 的延迟（毫秒）</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+7"/>
        <source>Imbalance per layer</source>
        <translation>各层不均衡度</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Routing agreement with the first run, per layer</source>
        <translation>各层与第一次运行的路由一致性</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Settings and results</source>
        <translation>设置与结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latency per token</source>
        <translation>每 Token 延迟</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Routing agreement</source>
        <translation>路由一致性</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Setting</source>
        <translation>设置项</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>generated token</source>
        <translation>生成的 Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <location line="+12"/>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>imbalance</source>
        <translation>不均衡度</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>overlap</source>
        <translation>重合度</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>token</source>
        <translation>Token</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 imbalance</source>
        <translation>%1 不均衡度</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>run %1 vs %2</source>
        <translation>运行 %1 对比 %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 overlap</source>
        <translation>%1 重合度</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: no tokens in common to compare (different prompts or no routing recorded)</source>
        <translation>%1：没有可比较的共同 Token（提示词不同，或未记录路由）</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1: mean top-k overlap %2, identical expert sets in %3 % of (token, layer) pairs over %4 common tokens%5</source>
        <translation>%1：平均 top-k 重合度 %2，在 %4 个共同 Token 上，%3% 的（Token，层）对专家集合完全相同%5</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>, first divergence at token %1</source>
        <translation>，首次分歧出现在 Token %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, never diverging</source>
        <translation>，始终一致</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: mean overlap of the experts chosen %2 over %3 common tokens (the runs use different numbers of experts per token, so identical sets do not apply)</source>
        <translation>%1：在 %3 个共同 Token 上，所选专家的平均重合度为 %2（各次运行每 Token 的专家数不同，因此不比较集合是否完全相同）</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>&lt;b&gt;Routing agreement&lt;/b&gt;&lt;br&gt;%1</source>
        <translation>&lt;b&gt;路由一致性&lt;/b&gt;&lt;br&gt;%1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>some runs could not be loaded whole</source>
        <translation>部分运行未能完整加载</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not like for like: %1.</source>
        <translation>条件不一致：%1。</translation>
    </message>
</context>
<context>
    <name>EngineController</name>
    <message>
        <location filename="../ui/enginecontroller.cpp" line="+481"/>
        <source>Open a model first.</source>
        <translation>请先打开一个模型。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A model is being opened; send again when it is ready.</source>
        <translation>模型正在打开，请在就绪后重新发送。</translation>
    </message>
</context>
<context>
    <name>EngineWorker</name>
    <message>
        <location line="-430"/>
        <source>The run store cannot be opened: %1</source>
        <translation>无法打开运行记录库：%1</translation>
    </message>
    <message>
        <location line="+135"/>
        <source>Measuring memory bandwidth</source>
        <translation>正在测量内存带宽</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>No model is loaded.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>The run was not recorded (%1); it is kept in %2 for `moe-cli runs import`.</source>
        <translation>本次运行未被记录（%1）；已保存在 %2，可用 `moe-cli runs import` 导入。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The run was not recorded and could not be kept: %1</source>
        <translation>本次运行未被记录，也无法保留：%1</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Could not list the runs: %1</source>
        <translation>无法列出运行记录：%1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Could not load run %1: %2</source>
        <translation>无法加载运行 %1：%2</translation>
    </message>
</context>
<context>
    <name>ExpertLoadModel</name>
    <message>
        <location filename="../ui/models.cpp" line="-135"/>
        <source>Expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Load share</source>
        <translation>负载占比</translation>
    </message>
</context>
<context>
    <name>ExpertsView</name>
    <message>
        <location filename="../ui/views.cpp" line="-1127"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Load over</source>
        <translation>负载统计范围</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the whole conversation</source>
        <translation>整个对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the last 64 tokens</source>
        <translation>最近 64 个 Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the last 256 tokens</source>
        <translation>最近 256 个 Token</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Token columns</source>
        <translation>Token 列</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>with their text</source>
        <translation>显示文本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>wide</source>
        <translation>宽</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>narrow (more tokens)</source>
        <translation>窄（显示更多 Token）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Point at the heatmap: the expert under the mouse and the tokens it handled last appear here. Click a column to see that token in every layer.</source>
        <translation>将鼠标指向热力图：此处会显示鼠标下的专家及其最近处理的 Token。点击某一列可查看该 Token 在每一层的路由。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Tokens × experts (gate weight)</source>
        <translation>Token × 专家（门控权重）</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+22"/>
        <location line="+178"/>
        <location line="+12"/>
        <location line="+21"/>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location line="-233"/>
        <location line="+22"/>
        <location line="+178"/>
        <location line="+12"/>
        <location line="+21"/>
        <source>expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <location line="-227"/>
        <source>&lt;b&gt;Layer %1, expert %2&lt;/b&gt;: %3 tokens&lt;br&gt;recent: %4</source>
        <translation>&lt;b&gt;第 %1 层，专家 %2&lt;/b&gt;：%3 个 Token&lt;br&gt;最近：%4</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Layers × experts load</source>
        <translation>层 × 专家负载</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+168"/>
        <source>Click a token in the chat or in the heatmap to see its routing across all layers.</source>
        <translation>在对话或热力图中点击一个 Token，即可查看它在所有层的路由。</translation>
    </message>
    <message>
        <location line="-162"/>
        <source>Layer %1, expert %2: gate weight %3</source>
        <translation>第 %1 层，专家 %2：门控权重 %3</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layer %1, expert %2: not routed</source>
        <translation>第 %1 层，专家 %2：未被路由</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>One token across all layers</source>
        <translation>单个 Token 的逐层路由</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Expert %1 (layer %2): %3 tokens, recent %4</source>
        <translation>专家 %1（第 %2 层）：%3 个 Token，最近 %4</translation>
    </message>
    <message>
        <location line="+134"/>
        <source>Latest token %1 “%2”</source>
        <translation>最新 Token %1“%2”</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The routing of this token arrives with the next forward pass.</source>
        <translation>该 Token 的路由将在下一次前向计算后给出。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Token %1 “%2” (%3): its experts in every layer, gate weight as colour</source>
        <translation>Token %1“%2”（%3）：各层所选专家，颜色表示门控权重</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>generated</source>
        <translation>生成</translation>
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
        <translation>出现次数</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>One expert&apos;s tokens</source>
        <translation>单个专家的 Token</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>Click a cell of the layers × experts load to see the tokens that expert takes most; right-click it to mask or force the expert.</source>
        <translation>点击“层 × 专家”负载中的单元格，查看该专家最常处理的 Token；右键点击可屏蔽或强制该专家。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Layer %1, expert %2: %3 tokens routed here, none of them seen twice yet.</source>
        <translation>第 %1 层，专家 %2：%3 个 Token 路由到此，尚无出现两次的 Token。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Layer %1, expert %2: %3 tokens routed here. Its tokens by the share of their occurrences routed to it (tokens seen at least twice):</source>
        <translation>第 %1 层，专家 %2：%3 个 Token 路由到此。按出现次数中路由到该专家的占比排列的 Token（至少出现两次）：</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Layer %1, expert %2</source>
        <translation>第 %1 层，专家 %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mask this expert</source>
        <translation>屏蔽此专家</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Force this expert</source>
        <translation>强制此专家</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Show its tokens</source>
        <translation>显示其 Token</translation>
    </message>
    <message>
        <location line="-124"/>
        <source>routed</source>
        <translation>路由次数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>share</source>
        <translation>占比</translation>
    </message>
</context>
<context>
    <name>HardwareView</name>
    <message>
        <location filename="../ui/hardwareview.cpp" line="+96"/>
        <source>Also at efficiency</source>
        <translation>另按效率</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> %</source>
        <translation>%</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Besides the bandwidth share the run reached, project at this share of each device&apos;s bandwidth</source>
        <translation>除本次运行实际达到的带宽利用率外，再按每台设备带宽的此比例进行估算</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Prefill at</source>
        <translation>预填充精度</translation>
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
        <translation>卸载方案：GPU 显存</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> GiB</source>
        <translation> GiB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>bandwidth of</source>
        <translation>带宽取自</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Batch-1 decode tokens/s at the run&apos;s bandwidth share, by vendor and year (* announced)</source>
        <translation>按本次运行的带宽利用率估算的 batch=1 解码 Token/秒，按厂商和年份（* 为已发布未上市）</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Across hardware generations</source>
        <translation>跨硬件代际对比</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Projection per device</source>
        <translation>各设备推算结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expert offload plan</source>
        <translation>专家卸载方案</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The device file could not be read: %1</source>
        <translation>无法读取设备文件：%1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>%1 (%2 GB/s)</source>
        <translation>%1（%2 GB/s）</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>Finish a reply, or compare runs from History, to project the run onto other hardware.</source>
        <translation>完成一条回复，或在“历史”中对比运行，即可将该运行推算到其他硬件上。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Run %1: %2, %3 on %4, %5 tokens/s</source>
        <translation>运行 %1：%2，%3，运行于 %4，%5 Token/秒</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>This run has no measured memory bandwidth, so it has no efficiency to carry over: set one above.</source>
        <translation>此运行没有测得的内存带宽，因此无法沿用其效率：请在上方设置一个。</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>this model (MoE)</source>
        <translation>本模型（MoE）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a dense model of the same size</source>
        <translation>同等规模的稠密模型</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>tokens/s</source>
        <translation>Token/秒</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No run yet.</source>
        <translation>暂无运行。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to offload: this run has no experts or no routing trace.</source>
        <translation>无需卸载：此运行没有专家或没有路由记录。</translation>
    </message>
    <message>
        <location line="-64"/>
        <source>USD per device-hour: double-click to set your own (kept in %1); right-click to go back to the catalogue&apos;s</source>
        <translation>每设备小时美元：双击设置您自己的价格（保存在 %1）；右键恢复目录价格</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The catalogue&apos;s price; double-click to set your own</source>
        <translation>目录价格；双击设置您自己的价格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From %1; double-click to change, right-click to reset</source>
        <translation>来自 %1；双击修改，右键重置</translation>
    </message>
    <message>
        <location line="-93"/>
        <source>&quot;%1&quot; is not a price for %2: give US dollars per hour, 0 or more (say 2.5), or nothing for the catalogue&apos;s.</source>
        <translation>“%1”不是 %2 的价格：请输入每小时美元数，0 或以上（例如 2.5），留空则使用目录价格。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The price was not changed: %1</source>
        <translation>价格未更改：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 now costs %2 USD an hour (kept in %3).</source>
        <translation>%1 现在每小时 %2 美元（保存在 %3）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is back at the catalogue&apos;s price.</source>
        <translation>%1 已恢复目录价格。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Edit the price of %1</source>
        <translation>编辑 %1 的价格</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reset the price of %1 to the catalogue&apos;s</source>
        <translation>将 %1 的价格重置为目录价格</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../ui/views.cpp" line="+683"/>
        <source>Filter runs (model, prompt, backend, …)</source>
        <translation>筛选运行（模型、提示词、后端…）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare selected</source>
        <translation>对比所选</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Select two or more runs (Ctrl+click) to see them side by side</source>
        <translation>选择两次或更多运行（Ctrl+点击）以并排查看</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Sweeps (quality against cost, one record each)</source>
        <translation>扫描（质量与成本，每个一条记录）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open in Experiments</source>
        <translation>在实验中打开</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare its runs</source>
        <translation>比较其运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export sweep…</source>
        <translation>导出扫描…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>When (UTC)</source>
        <translation>时间 (UTC)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points</source>
        <translation>点数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Best perplexity</source>
        <translation>最佳困惑度</translation>
    </message>
    <message>
        <location line="+34"/>
        <source> (cancelled)</source>
        <translation>（已取消）</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <location filename="../ui/language.cpp" line="+23"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MoE Workbench will speak the chosen language the next time it starts.</source>
        <translation>MoE 工作台将在下次启动时使用所选语言。</translation>
    </message>
</context>
<context>
    <name>LayerBalanceModel</name>
    <message>
        <location filename="../ui/models.cpp" line="-62"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="+44"/>
        <source>MoE Workbench</source>
        <translation>MoE 工作台</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Experts</source>
        <translation>专家</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Balance</source>
        <translation>负载均衡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Throughput</source>
        <translation>吞吐量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Experiments</source>
        <translation>实验</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Hardware</source>
        <translation>硬件</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model and settings</source>
        <translation>模型与设置</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 is still loaded.</source>
        <translation>%1 仍保持加载。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Loading cancelled.</source>
        <translation>加载已取消。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The model could not be opened.</source>
        <translation>无法打开该模型。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not open the model</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 loaded on %2</source>
        <translation>%1 已加载到 %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Max tokens lowered to %1: the context holds %2 positions, and the next message needs room too</source>
        <translation>最大 Token 数已降为 %1：上下文只有 %2 个位置，还需为下一条消息留出空间</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Reading the prompt…</source>
        <translation>正在读取提示词…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>max tokens reached</source>
        <translation>已达最大 Token 数</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>stopped while reading the prompt</source>
        <translation>读取提示词时已停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 token</source>
        <translation>1 个 Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 tokens at %2 tokens/s</source>
        <translation>%1 个 Token，%2 Token/秒</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open model…</source>
        <translation>打开模型(&amp;O)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open a GGUF model</source>
        <translation>打开 GGUF 模型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Close model</source>
        <translation>关闭模型(&amp;C)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export the charts of this tab…</source>
        <translation>导出此标签页的图表…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export charts into</source>
        <translation>导出图表到</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Exported %1 charts to %2</source>
        <translation>已将 %1 个图表导出到 %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Chat</source>
        <translation>对话(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;New conversation</source>
        <translation>新对话(&amp;N)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Regenerate</source>
        <translation>重新生成(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit last message</source>
        <translation>编辑上一条消息(&amp;E)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About MoE Workbench</source>
        <translation>关于 MoE 工作台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;MoE Workbench %1&lt;/b&gt;&lt;p&gt;Chat with a mixture-of-experts model and watch its routing, load balance and speed as it runs.&lt;/p&gt;</source>
        <translation>&lt;b&gt;MoE 工作台 %1&lt;/b&gt;&lt;p&gt;与混合专家（MoE）模型对话，并实时观察其路由、负载均衡和速度。&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>%1 at top-%2 of %3 experts — MoE Workbench</source>
        <translation>%1（%3 个专家中取 top-%2）— MoE 工作台</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 — MoE Workbench</source>
        <translation>%1 — MoE 工作台</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Reload the model</source>
        <translation>重新加载模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Applying %1 experts per token and a context of %2 reloads the model and starts a new conversation; the current one stays in History. Continue?</source>
        <translation>将每 Token 专家数设为 %1、上下文长度设为 %2 会重新加载模型并开始新对话；当前对话会保留在“历史”中。是否继续？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the model&apos;s own number of</source>
        <translation>模型默认值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the model&apos;s default</source>
        <translation>模型默认值</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>%1 tokens/s</source>
        <translation>%1 Token/秒</translation>
    </message>
</context>
<context>
    <name>MatrixHeatmap</name>
    <message>
        <location filename="../ui/heatmaps.cpp" line="+476"/>
        <source>No routing yet</source>
        <translation>暂无路由数据</translation>
    </message>
</context>
<context>
    <name>ModelCardView</name>
    <message>
        <location filename="../ui/panels.cpp" line="+26"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experts</source>
        <translation>专家</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experts per token</source>
        <translation>每 Token 专家数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shared experts</source>
        <translation>共享专家</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Design</source>
        <translation>结构</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deactivated per token</source>
        <translation>每 Token 未激活</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory needed</source>
        <translation>所需内存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory bandwidth</source>
        <translation>内存带宽</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chat format</source>
        <translation>对话格式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1, mixture of experts</source>
        <translation>%1，混合专家</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1, dense</source>
        <translation>%1，稠密</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (%2 with experts)</source>
        <translation>%1（其中 %2 层含专家）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 per layer</source>
        <translation>每层 %1 个</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>top-%1</source>
        <translation>top-%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>top-%1 (model: top-%2)</source>
        <translation>top-%1（模型默认：top-%2）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 total, %2 active</source>
        <translation>共 %1，激活 %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 % of the parameters</source>
        <translation>参数的 %1%</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 in use (trained: %2)</source>
        <translation>当前 %1（训练时：%2）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 (weights %2 + KV cache %3), %4 available</source>
        <translation>%1（权重 %2 + KV 缓存 %3），可用 %4</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 GB/s read, best of %2 (lowest %3), measured once at start, %4</source>
        <translation>读取 %1 GB/s，%2 次中的最佳值（最低 %3），启动时测量一次，%4</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The repetitions spread widely: the machine was busy, so shares of it are rough.</source>
        <translation>各次测量差异较大：机器当时较忙，因此基于带宽的占比只是粗略值。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not measured</source>
        <translation>未测量</translation>
    </message>
</context>
<context>
    <name>RoutingLabView</name>
    <message>
        <location filename="../ui/routinglab.cpp" line="+56"/>
        <location line="+419"/>
        <location line="+172"/>
        <source>model&apos;s own</source>
        <translation>模型默认</translation>
    </message>
    <message>
        <location line="-481"/>
        <source>Routing policy</source>
        <translation>路由策略</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the model&apos;s own</source>
        <translation>模型自身</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>top-k</source>
        <translation>top-k</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>top-p (router mass)</source>
        <translation>top-p（路由概率质量）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>entropy-adaptive k</source>
        <translation>熵自适应 k</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experts per token (k)</source>
        <translation>每 Token 专家数（k）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Router mass (p)</source>
        <translation>路由概率质量（p）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>k from</source>
        <translation>k 范围</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Skip weights under</source>
        <translation>跳过权重低于</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Click an expert: masked (never chosen), again: forced (always chosen), again: as the router decides</source>
        <translation>点击专家：屏蔽（从不选中）；再点击：强制（总是选中）；再点击：由路由器决定</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Apply to the next runs</source>
        <translation>应用于后续运行</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Experts (rows: layers; click: mask, force, clear)</source>
        <translation>专家（行：层；点击：屏蔽、强制、清除）</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+43"/>
        <source>Quality against cost</source>
        <translation>质量与成本</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>Held-out text to score (longer than the context: scored in windows)</source>
        <translation>用于评分的留出文本（超过上下文长度时按窗口评分）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Settings, &apos;;&apos; between them: top-k=1..8, top-p=0.5:0.95:0.05, entropy=1..8 (k_max), skip=0.05:0.3:0.05, or one policy</source>
        <translation>设置项，以 &apos;;&apos; 分隔：top-k=1..8、top-p=0.5:0.95:0.05、entropy=1..8（k_max）、skip=0.05:0.3:0.05，或单个策略</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run sweep</source>
        <translation>运行扫描</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>experts per token</source>
        <translation>每 Token 专家数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>weight MB per token</source>
        <translation>每 Token 权重 MB</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+390"/>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <location line="-390"/>
        <source>KL from the model&apos;s own (nats)</source>
        <translation>与模型自身路由的 KL（nats）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Settings</source>
        <translation>设置</translation>
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
        <translation>第 %1 层</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>In effect: the model&apos;s own routing (top-%1).</source>
        <translation>当前生效：模型自身的路由（top-%1）。</translation>
    </message>
    <message>
        <location line="+104"/>
        <source>In effect: the model&apos;s own routing.</source>
        <translation>当前生效：模型自身的路由。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In effect for every run from now on: %1</source>
        <translation>此后每次运行均生效：%1</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Sweeping %1 settings...</source>
        <translation>正在扫描 %1 组设置...</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1 of %2: %3</source>
        <translation>第 %1 / %2 个：%3</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>%1 settings over %2 tokens; ★ Pareto-best (perplexity against experts per token). Each setting is a score run in History.</source>
        <translation>%1 组设置，共 %2 个 Token；★ 为帕累托最优（困惑度对比每 Token 专家数）。每组设置都是“历史”中的一次评分运行。</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>weight MB read per token</source>
        <translation>每 Token 读取的权重 MB</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>experts per token (mean per layer)</source>
        <translation>每 Token 专家数（各层平均）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>KL from the model&apos;s own routing (nats)</source>
        <translation>与模型自身路由的 KL 散度（nats）</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Pareto-best</source>
        <translation>帕累托最优</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Run a sweep to see what fewer experts cost</source>
        <translation>运行扫描，看看减少专家数的代价</translation>
    </message>
    <message>
        <location line="-165"/>
        <source>%1 The sweep record was not saved: %2</source>
        <translation>%1 扫描记录未保存：%2</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cancelling: the setting in progress stops within a batch of tokens and is discarded...</source>
        <translation>正在取消：进行中的设置将在一批 Token 内停止并被丢弃……</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Cancelled after %1 settings; all kept.</source>
        <translation>在 %1 个设置后取消；全部保留。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled during %1 after %2 of %3 tokens: that setting is discarded; the %4 finished settings are kept.</source>
        <translation>在 %1 进行到 %3 个 Token 中的第 %2 个时取消：该设置已丢弃；保留 %4 个已完成的设置。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Sweep s%1 of %2 (%3, %4 tokens): %5</source>
        <translation>扫描 s%1，%2（%3，%4 个 Token）：%5</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Export sweep</source>
        <translation>导出扫描</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV (*.csv);;JSON (*.json)</source>
        <translation>CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>RunView</name>
    <message>
        <location filename="../ui/runview.cpp" line="+161"/>
        <source>the token limit was reached</source>
        <translation>已达到 Token 上限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the model ended its reply</source>
        <translation>模型结束了回复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the context was full</source>
        <translation>上下文已满</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>complete</source>
        <translation>完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>RunsModel</name>
    <message>
        <location filename="../ui/models.cpp" line="+200"/>
        <source>max tokens reached</source>
        <translation>已达最大 Token 数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>end of reply</source>
        <translation>回复结束</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>context full</source>
        <translation>上下文已满</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>complete</source>
        <translation>完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Experts/token</source>
        <translation>专家数/Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Prompt tokens</source>
        <translation>提示词 Token 数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Generated</source>
        <translation>生成数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Decode tok/s</source>
        <translation>解码 Token/秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Prefill tok/s</source>
        <translation>预填充 Token/秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>TTFT (ms)</source>
        <translation>首 Token 延迟（毫秒）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GB/s</source>
        <translation>GB/s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Imbalance</source>
        <translation>不均衡度</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop</source>
        <translation>停止原因</translation>
    </message>
</context>
<context>
    <name>SettingsPanel</name>
    <message>
        <location filename="../ui/panels.cpp" line="+41"/>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>System prompt (applies to new conversations)</source>
        <translation>系统提示词（对新对话生效）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sampling (the next reply)</source>
        <translation>采样（下一条回复）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>0 picks the most likely token every time</source>
        <translation>设为 0 时每次都选择概率最高的 Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+21"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>Sample the next token among the k most likely tokens of the vocabulary (not the experts)</source>
        <translation>从词表中概率最高的 k 个 Token 里采样下一个 Token（与专家无关）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sampling top-k</source>
        <translation>采样 top-k</translation>
    </message>
    <message>
        <location line="+2"/>
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
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>random: a new seed each reply (History shows the one used); a number repeats a reply</source>
        <translation>随机：每条回复使用新的种子（“历史”中显示实际使用的种子）；填入数字可复现回复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Max tokens</source>
        <translation>最大 Token 数</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Model (applying reloads it)</source>
        <translation>模型（应用后将重新加载）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>model&apos;s own</source>
        <translation>模型默认</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Experts each token is routed to in every MoE layer (the router&apos;s top-k), for this model</source>
        <translation>每个 Token 在每个 MoE 层中被路由到的专家数（路由器的 top-k），仅对此模型生效</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experts per token</source>
        <translation>每 Token 专家数</translation>
    </message>
    <message>
        <location line="-23"/>
        <location line="+6"/>
        <location line="+21"/>
        <source>model&apos;s default</source>
        <translation>模型默认值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Positions the KV cache holds: prompt, replies and every earlier turn of the conversation</source>
        <translation>KV 缓存可容纳的位置数：提示词、回复以及对话中所有之前的轮次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reload the model with these; the conversation starts over (Enter in a box does the same)</source>
        <translation>用这些设置重新加载模型；对话将重新开始（在输入框中按 Enter 效果相同）</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>model&apos;s own (%1)</source>
        <translation>模型默认（%1）</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>model&apos;s default (%1)</source>
        <translation>模型默认值（%1）</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>KV cache: %1 for %2 positions (at most %3 fit in memory and training)</source>
        <translation>KV 缓存：%2 个位置占用 %1（受内存与训练长度限制，最多 %3 个）</translation>
    </message>
    <message>
        <location line="-151"/>
        <source>Thinking (reasoning models)</source>
        <translation>思考（推理模型）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>on</source>
        <translation>开启</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Think first</source>
        <translation>先思考</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reasoning effort</source>
        <translation>推理强度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fold the thinking away once the answer starts</source>
        <translation>回答开始后折叠思考过程</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>on: the model reasons before it answers; off: it answers at once (the template&apos;s enable_thinking)</source>
        <translation>开启：模型先推理再回答；关闭：直接回答（模板的 enable_thinking）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This model&apos;s chat template has no thinking switch</source>
        <translation>此模型的聊天模板没有思考开关</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How long the model reasons (the template&apos;s reasoning_effort)</source>
        <translation>模型推理的时长（模板的 reasoning_effort）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This model&apos;s chat template does not read a reasoning effort</source>
        <translation>此模型的聊天模板不读取推理强度</translation>
    </message>
</context>
<context>
    <name>SweepModel</name>
    <message>
        <location filename="../ui/routinglab.cpp" line="-484"/>
        <source>policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>curve</source>
        <translation>曲线</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>KL (nats)</source>
        <translation>KL（nats）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>top-1 agree</source>
        <translation>top-1 一致率</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>experts/token</source>
        <translation>专家数/Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>weight MB/token</source>
        <translation>权重 MB/Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>decode tok/s</source>
        <translation>解码 Token/秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pareto</source>
        <translation>帕累托</translation>
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
        <translation>延迟（毫秒）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tokens/s</source>
        <translation>Token/秒</translation>
    </message>
</context>
<context>
    <name>ThroughputView</name>
    <message>
        <location filename="../ui/views.cpp" line="-206"/>
        <source>Decode tokens/s</source>
        <translation>解码 Token/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time to first token</source>
        <translation>首 Token 延迟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Prefill tokens/s</source>
        <translation>预填充 Token/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latency p50 / p99</source>
        <translation>延迟 p50 / p99</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weights read per token</source>
        <translation>每 Token 读取的权重</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Achieved bandwidth</source>
        <translation>实际带宽</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Energy per token</source>
        <translation>每 Token 能耗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cost per million tokens</source>
        <translation>每百万 Token 成本</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%p% of the device&apos;s bandwidth</source>
        <translation>设备带宽的 %p%</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Against the device</source>
        <translation>相对设备上限</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>generated token</source>
        <translation>生成的 Token</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Decode speed (tokens/s, last 8 tokens)</source>
        <translation>解码速度（Token/秒，最近 8 个 Token）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tokens/s</source>
        <translation>Token/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latency per token (ms)</source>
        <translation>每 Token 延迟（毫秒）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decode speed</source>
        <translation>解码速度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latency per token</source>
        <translation>每 Token 延迟</translation>
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
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 / %2 ms</source>
        <translation>%1 / %2 毫秒</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 of %2 GB/s</source>
        <translation>%1 / %2 GB/s</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 J (%2)</source>
        <translation>%1 焦耳（%2）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not counted: %1</source>
        <translation>未计入：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 USD at %2 USD/h</source>
        <translation>%1 美元（按 %2 美元/小时）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The price per hour of this machine comes from an entry with its name in %1</source>
        <translation>本机每小时价格取自 %1 中以其名称命名的条目</translation>
    </message>
</context>
<context>
    <name>TokenHeatmap</name>
    <message>
        <location filename="../ui/heatmaps.cpp" line="-243"/>
        <source>Open a model and send a prompt: every token&apos;s experts appear here.</source>
        <translation>打开模型并发送提示词：每个 Token 的专家会显示在这里。</translation>
    </message>
    <message>
        <location line="+25"/>
        <location line="+92"/>
        <location line="+20"/>
        <source>generated</source>
        <translation>生成</translation>
    </message>
    <message>
        <location line="-112"/>
        <location line="+92"/>
        <location line="+20"/>
        <source>prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location line="-77"/>
        <source>token</source>
        <translation>Token</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&lt;b&gt;Token %1&lt;/b&gt; “%2” (%3)</source>
        <translation>&lt;b&gt;Token %1&lt;/b&gt;“%2”（%3）</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&lt;b&gt;Layer %1, expert %2&lt;/b&gt;: %3 tokens routed here&lt;br&gt;recent: %4</source>
        <translation>&lt;b&gt;第 %1 层，专家 %2&lt;/b&gt;：路由到此的 Token 数 %3&lt;br&gt;最近：%4</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&lt;b&gt;Token %1&lt;/b&gt; “%2” (%3)&lt;br&gt;layer %4, expert %5: gate weight %6</source>
        <translation>&lt;b&gt;Token %1&lt;/b&gt;“%2”（%3）&lt;br&gt;第 %4 层，专家 %5：门控权重 %6</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>not routed</source>
        <translation>未路由</translation>
    </message>
</context>
<context>
    <name>TokenModel</name>
    <message>
        <location filename="../ui/models.cpp" line="-231"/>
        <source>prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>generated</source>
        <translation>生成</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>#</source>
        <translation>#</translation>
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
        <translation>阶段</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Expert %1</source>
        <translation>专家 %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Weight %1</source>
        <translation>权重 %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/workbench/main.cpp" line="+20"/>
        <source>Chat with a mixture-of-experts model and watch its experts.</source>
        <translation>与混合专家（MoE）模型对话，并观察它的专家。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>GGUF model to open</source>
        <translation>要打开的 GGUF 模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>run store to record into and read History from (default: the one moe-cli uses, $XDG_DATA_HOME/moe-workbench/runs.sqlite)</source>
        <translation>用于记录运行并读取“历史”的运行记录库（默认与 moe-cli 相同：$XDG_DATA_HOME/moe-workbench/runs.sqlite）</translation>
    </message>
</context>
</TS>
