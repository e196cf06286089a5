"""Deploy-time problems (engine/validation speaks English and knows no languages) in the page's language.

Each entry pairs the engine's sentence, as a pattern, with the same sentence as a Japanese msgid whose
named places take the pattern's groups; the English catalog gives the engine's wording back.  The groups
named in NESTED hold a sentence of their own (an expression or FEEL error inside a problem), localized
in turn.  Ids, attribute names, values and expression text stay as the engine wrote them; a sentence no
pattern knows (a library's own message) is shown unchanged.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from .validation_text_async import ASYNC
from .validation_text_dmn import DMN, FEEL
from .validation_text_mappings import MAPPINGS
from .validation_text_signals import SIGNALS
from .validation_text_whitelist import WHITELIST

NESTED = ("detail", "error", "what")
_QUOTED = r"""(?:'.*'|".*")"""  # a value as Python's repr() shows it

_SENTENCES = [
    # -- the file (engine/validation/xml_load.py, files.py; engine/deploy.py) ---------------------
    (r"the file is not valid UTF-8 \(byte (?P<byte>\d+)\); save it as UTF-8, as Camunda Modeler does",
     _l("ファイルが正しい UTF-8 ではありません（%(byte)s バイト目付近）。Camunda Modeler と同じく UTF-8 で保存してください。")),
    (r"the file is empty", _l("ファイルが空です。")),
    ((r"the file declares a DOCTYPE; DTDs and entity declarations are not allowed in BPMN or DMN files: "
      r"remove the DOCTYPE \(Camunda Modeler never writes one\)"),
     _l("ファイルに DOCTYPE 宣言があります。BPMN・DMN のファイルでは DTD も実体（ENTITY）宣言も使えません。"
        "DOCTYPE を削除してください（Camunda Modeler は書き出しません）。")),
    ((r"the file has the processing instruction '(?P<target>.*)'; processing instructions are not allowed in "
      r"BPMN or DMN files: remove it \(Camunda Modeler never writes one\)"),
     _l("ファイルに処理命令 '%(target)s' があります。BPMN・DMN のファイルでは処理命令は使えません。"
        "削除してください（Camunda Modeler は書き出しません）。")),
    (r"malformed XML at line (?P<line>\d+): (?P<detail>.*)",
     _l("XML の書き方が正しくありません（%(line)s 行目）: %(detail)s")),
    (r"not a BPMN 2\.0 or DMN file: the root element is (?P<root><.*>)",
     _l("BPMN 2.0 のファイルでも DMN のファイルでもありません（ルート要素が %(root)s です）。")),
    (r"the file defines no process", _l("ファイルにプロセスがありません。")),
    (r"""the process is not executable: tick 'Executable' \(isExecutable="true"\) in the modeler""",
     _l("""プロセスが実行可能になっていません。モデラーで 'Executable' にチェックを入れてください（isExecutable="true"）。""")),
    (r"could not be parsed: (?P<detail>.*)", _l("プロセスを読み込めませんでした: %(detail)s")),
    (r"the same file name appears twice in one deployment", _l("同じ名前のファイルが2つ選ばれています。")),
    (r"no such file or directory", _l("ファイルまたはフォルダがありません。")),
    # -- the whole diagram (bpmn_rules.check_document; SpiffWorkflow's parser) ---------------------
    (r"a process has no id; give it one in the modeler", _l("ID のないプロセスがあります。モデラーで ID を付けてください。")),
    (r"two elements share the id '(?P<id>.*)'; ids must be unique",
     _l("ID '%(id)s' が複数の要素で使われています。ID は重複しないようにしてください。")),
    (r"the process has no start event; draw one", _l("プロセスに開始イベントがありません。描いてください。")),
    (r"the subprocess has no start event; draw one", _l("サブプロセスに開始イベントがありません。描いてください。")),
    ((r"the subprocess has (?P<n>\d+) start events; an embedded subprocess needs exactly one none start event, "
      r"as in Camunda 7"),
     _l("サブプロセスに開始イベントが %(n)s 個あります。埋め込みサブプロセスには、Camunda 7 と同じく"
        "種類なしの開始イベントがちょうど1つ必要です。")),
    (r"an embedded subprocess needs a none start event, as in Camunda 7",
     _l("埋め込みサブプロセスには、Camunda 7 と同じく種類なしの開始イベントが必要です。")),
    ((r"the process has (?P<n>\d+) none start events; Camunda 7 allows only one, so keep one and join the paths "
      r"after it"),
     _l("プロセスに種類なしの開始イベントが %(n)s 個あります。Camunda 7 でも1つしか使えないので、1つにして"
        "その後で経路を分けてください。")),
    (r"the subprocess has no end event; draw one", _l("サブプロセスに終了イベントがありません。描いてください。")),
    (r"duplicate process ID: (?P<id>.*)", _l("プロセス ID %(id)s が重複しています。")),
    # -- elements kentei refuses (bpmn_rules.REFUSED) ------------------------------------------------
    (r"script tasks are not allowed: put the rule in a DMN table or the work in an external service task",
     _l("スクリプトタスクは使えません。判定は DMN の決定表に、処理は外部サービスタスクにしてください。")),
    (r"complex gateways are not supported; use exclusive, inclusive or parallel gateways",
     _l("複合ゲートウェイには対応していません。排他・包含・並列ゲートウェイを使ってください。")),
    (r"ad-hoc subprocesses are not supported", _l("アドホックサブプロセスには対応していません。")),
    # -- compensation (engine/validation/compensation_rules.py) ---------------------------------------
    ((r"compensation start events \(compensation event subprocesses\) are not supported; attach a compensation "
      r"boundary event to the subprocess and associate it with a compensation handler instead"),
     _l("補償開始イベント（補償イベントサブプロセス）には対応していません。サブプロセスに補償境界イベントを付け、"
        "補償ハンドラーに関連付けてください。")),
    ((r"compensation is caught only by a boundary event attached to an activity; draw a compensation boundary "
      r"event and associate it with a compensation handler"),
     _l("補償を受け取れるのは、アクティビティに付けた境界イベントだけです。補償境界イベントを描き、補償ハンドラーに"
        "関連付けてください。")),
    ((r"a compensation handler must be a user, service, send, business rule, manual or plain task, an embedded "
      r"subprocess or a call activity"),
     _l("補償ハンドラーは、ユーザー・サービス・送信・ビジネスルール・手作業・通常のタスク、埋め込みサブプロセス、"
        "または呼び出しアクティビティにしてください。")),
    ((r"a compensation handler has no sequence flows: it runs only when compensation is thrown; remove its "
      r"incoming and outgoing flows"),
     _l("補償ハンドラーにはシーケンスフローを付けません。補償が投げられたときだけ動きます。入ってくるフローと"
        "出ていくフローを削除してください。")),
    (r"boundary events on a compensation handler are not supported; remove them",
     _l("補償ハンドラーに付けた境界イベントには対応していません。削除してください。")),
    (r"a multi-instance or loop compensation handler is not supported; draw a single handler",
     _l("マルチインスタンスやループの補償ハンドラーには対応していません。ハンドラーは1つだけ描いてください。")),
    ((r"compensation of a multi-instance or loop activity is not supported yet; compensate an embedded subprocess "
      r"around it instead"),
     _l("マルチインスタンスやループのアクティビティの補償にはまだ対応していません。埋め込みサブプロセスで囲み、"
        "そのサブプロセスを補償してください。")),
    ((r"compensating a transaction subprocess as a whole is not supported; its cancel end event compensates the "
      r"activities inside it"),
     _l("トランザクションサブプロセス全体の補償には対応していません。中のアクティビティはキャンセル終了イベントで"
        "補償されます。")),
    (r"compensation boundary events inside an event subprocess are not supported; move the activity out of it",
     _l("イベントサブプロセスの中の補償境界イベントには対応していません。アクティビティをイベントサブプロセスの"
        "外に移してください。")),
    (r"a compensation boundary event has no outgoing sequence flow; associate it with its compensation handler instead",
     _l("補償境界イベントには出ていくシーケンスフローを付けません。代わりに補償ハンドラーに関連付けてください。")),
    (r"an activity can have only one compensation boundary event",
     _l("1つのアクティビティに付けられる補償境界イベントは1つだけです。")),
    ((r"a compensation boundary event needs exactly one association to its compensation handler, an activity "
      r"marked isForCompensation=\"true\""),
     _l('補償境界イベントには、補償ハンドラー（isForCompensation="true" の付いたアクティビティ）への関連付けが'
        "ちょうど1つ必要です。")),
    (r"the compensation handler must be drawn in the same \(sub\)process as the activity it compensates",
     _l("補償ハンドラーは、補償するアクティビティと同じ（サブ）プロセスの中に描いてください。")),
    ((r"throwing compensation from an event subprocess is not supported yet; throw it on the path of an error "
      r"boundary event instead"),
     _l("イベントサブプロセスから補償を投げることにはまだ対応していません。エラー境界イベントの経路で投げてください。")),
    (r"activityRef '(?P<ref>.*)' names no activity of the scope of this compensation event",
     _l("activityRef '%(ref)s' は、この補償イベントのスコープにあるアクティビティを指していません。")),
    # -- the whitelist (engine/validation/whitelist_table.py) --------------------------------------------
    *WHITELIST,  # in web/validation_text_whitelist.py (this module would pass 400 lines)
    *ASYNC,  # save points: web/validation_text_async.py
    *MAPPINGS,  # variable mappings (engine/validation/mapping_rules.py), in web/validation_text_mappings.py
    # -- tasks ---------------------------------------------------------------------------------------
    (r'Java delegates and connectors cannot run here; use camunda:type="external" with a camunda:topic',
     _l('Java デリゲートやコネクターはここでは動きません。camunda:type="external" と camunda:topic を使ってください。')),
    (r'a service task needs camunda:type="external" and a camunda:topic naming its handler',
     _l('サービスタスクには camunda:type="external" と、処理を受け持つハンドラーを指す camunda:topic が必要です。')),
    (r"no handler is registered for topic '(?P<topic>.*)', and it matches no pattern of the topics outside workers "
     r"serve \(KENTEI_EXTERNAL_TOPICS: (?P<patterns>.*)\)",
     _l("トピック '%(topic)s' のハンドラーが登録されておらず、外部ワーカーが受け持つトピック（KENTEI_EXTERNAL_TOPICS: "
        "%(patterns)s）のどれにも当たりません。")),
    (r"no handler is registered for topic '(?P<topic>.*)'", _l("トピック '%(topic)s' のハンドラーが登録されていません。")),
    (r"a business rule task must reference a DMN decision with camunda:decisionRef",
     _l("ビジネスルールタスクでは camunda:decisionRef で DMN の決定を参照してください。")),
    (r"a business rule task needs camunda:decisionRef naming a DMN decision",
     _l("ビジネスルールタスクには、DMN の決定を指す camunda:decisionRef が必要です。")),
    ((r"camunda:decisionRefTenantId is not supported: a decision binds to the prefecture's own newest version, "
      r"else the shared one \(docs/dialect\.md, Tenants\); remove the attribute"),
     _l("camunda:decisionRefTenantId は使えません。決定は案件の都道府県の最新版（なければ全国共通の最新版）を使います"
        "（docs/dialect.md の Tenants）。この属性を削除してください。")),
    ((r"camunda:calledElementTenantId is not supported: a called process binds to the prefecture's own newest "
      r"version, else the shared one \(docs/dialect\.md, Tenants\); remove the attribute"),
     _l("camunda:calledElementTenantId は使えません。呼び出すプロセスは都道府県の最新版（なければ全国共通の最新版）を"
        "使います（docs/dialect.md の Tenants）。この属性を削除してください。")),
    (r"decision '(?P<ref>.*)' is not deployed and not in this deployment",
     _l("決定 '%(ref)s' はデプロイされておらず、今回のファイルにもありません。")),
    (r"a form field has no id", _l("ID のないフォーム項目があります。")),
    (r"form field '(?P<field>.*?)' has type '(?P<type>.*)'; use one of (?P<types>.*)",
     _l("フォーム項目 '%(field)s' の型 '%(type)s' は使えません。%(types)s のどれかにしてください。")),
    (r"enum form field '(?P<field>.*)' lists no values", _l("選択肢型（enum）のフォーム項目 '%(field)s' に選択肢がありません。")),
    (r"form field '(?P<field>.*?)' has unknown constraint '(?P<name>.*)'",
     _l("フォーム項目 '%(field)s' に未知の制約 '%(name)s' があります。")),
    (r"form field '(?P<field>.*?)' constraint '(?P<name>.*?)' needs a number, not '(?P<value>.*)'",
     _l("フォーム項目 '%(field)s' の制約 '%(name)s' には数値を指定してください（'%(value)s' は数値ではありません）。")),
    (r"a call activity needs calledElement naming a process",
     _l("呼び出しアクティビティには、呼び出すプロセスを指す calledElement が必要です。")),
    (r"called process '(?P<ref>.*)' is not deployed and not in this deployment",
     _l("呼び出すプロセス '%(ref)s' はデプロイされておらず、今回のファイルにもありません。")),
    ((r"called process '(?P<ref>.*)' is in the deployed file '(?P<file>.*)', which can no longer be read; "
      r"deploy a corrected (?P=file) first \((?P<detail>.*)\)"),
     _l("呼び出すプロセス '%(ref)s' はデプロイ済みのファイル '%(file)s' にありますが、このファイルはもう読み込めません。"
        "修正した %(file)s を先にデプロイしてください（%(detail)s）。")),
    # -- multi-instance and standard loops (engine/validation/loop_rules.py) ---------------------------
    ((r"multi-instance is not supported on a (?P<tag>\w+); draw it on a user, service, send, business rule "
      r"or plain task, a subprocess or a call activity"),
     _l("マルチインスタンスは %(tag)s には使えません。"
        "ユーザー・サービス・送信・ビジネスルールの各タスクか通常のタスク、サブプロセス、呼び出しアクティビティに付けてください。")),
    ((r"a standard loop is not supported on a (?P<tag>\w+); draw it on a user, service, send, business rule "
      r"or plain task, a subprocess or a call activity"),
     _l("標準ループは %(tag)s には使えません。"
        "ユーザー・サービス・送信・ビジネスルールの各タスクか通常のタスク、サブプロセス、呼び出しアクティビティに付けてください。")),
    ((r"camunda:(?P<name>\w+) on the loop characteristics is not supported; put asynchronous continuations "
      r"on the activity itself"),
     _l("ループ特性に付けた camunda:%(name)s には対応していません。"
        "非同期の継続はアクティビティ自体に付けてください。")),
    (r"extension elements on the multi-instance characteristics \(such as a retry cycle\) are not supported",
     _l("マルチインスタンス特性の拡張要素（リトライ周期など）には対応していません。")),
    (r"multi-instance complex behavior definitions are not supported, as in Camunda 7",
     _l("マルチインスタンスの complexBehaviorDefinition には、Camunda 7 と同じく対応していません。")),
    ((r"multi-instance (?P<child>\w+) \(BPMN data inputs and outputs\) is not supported; use "
      r"camunda:collection and camunda:elementVariable, and output mappings to gather results"),
     _l("マルチインスタンスの %(child)s（BPMN のデータ入出力）には対応していません。"
        "camunda:collection と camunda:elementVariable を使い、結果は出力マッピングで集めてください。")),
    (r"multi-instance behavior events \(behavior None, One or Complex\) are not supported, as in Camunda 7",
     _l("マルチインスタンスの behavior のイベント（None・One・Complex）には、Camunda 7 と同じく対応していません。")),
    (r"the multi-instance loopCardinality is empty; give a number or a \$\{\.\.\.\} expression",
     _l("マルチインスタンスの loopCardinality が空です。数値か ${...} の式を書いてください。")),
    (r"a multi-instance activity needs a loopCardinality or a camunda:collection",
     _l("マルチインスタンスのアクティビティには loopCardinality か camunda:collection が必要です。")),
    (r"camunda:collection is empty; name a list variable or give a \$\{\.\.\.\} expression",
     _l("camunda:collection が空です。リストの変数名か ${...} の式を書いてください。")),
    (r"camunda:elementVariable needs a camunda:collection to take its elements from",
     _l("camunda:elementVariable には、要素を取り出す camunda:collection が必要です。")),
    (r"(?P<child>\w+) on a standard loop is not supported", _l("標準ループの %(child)s には対応していません。")),
    (r"loopMaximum must be a whole number, not '(?P<value>.*)'",
     _l("loopMaximum は整数にしてください（'%(value)s' になっています）。")),
    (r"a standard loop needs a loopCondition or a loopMaximum, or it would never end",
     _l("標準ループには loopCondition か loopMaximum が必要です。"
        "どちらもないと繰り返しが終わりません。")),
    # -- events --------------------------------------------------------------------------------------
    (r"the boundary event is attached to '(?P<ref>.*)', which is no activity of this process",
     _l("境界イベントの付け先 '%(ref)s' は、このプロセスのアクティビティではありません。")),
    *SIGNALS,  # message throws, signals and links: web/validation_text_signals.py
    (r"the timer has no timeDate, timeDuration or timeCycle", _l("タイマーに timeDate・timeDuration・timeCycle のどれもありません。")),
    (r"the timer's (?P<tag>\w+) is empty", _l("タイマーの %(tag)s が空です。")),
    (r"the message event needs messageRef pointing at a named bpmn:message",
     _l("メッセージイベントには、名前のある bpmn:message を指す messageRef が必要です。")),
    (r"errorRef '(?P<ref>.*)' points at no bpmn:error", _l("errorRef '%(ref)s' が指す bpmn:error がありません。")),
    (r"escalationRef '(?P<ref>.*)' points at no bpmn:escalation",
     _l("escalationRef '%(ref)s' が指す bpmn:escalation がありません。")),
    (r"the conditional event has no condition", _l("条件イベントに条件がありません。")),
    # -- event subprocesses and conditional events (engine/bpmn/event_subprocesses.py) --------------
    (r"an event subprocess needs exactly one start event", _l("イベントサブプロセスには開始イベントがちょうど一つ必要です。")),
    ((r"the start event of an event subprocess needs one timer, message, error, escalation, signal or "
      r"conditional event definition"),
     _l("イベントサブプロセスの開始イベントには、タイマー・メッセージ・エラー・エスカレーション・シグナル・条件の"
        "いずれか一つのイベント定義が必要です。")),
    (r'an error start event of an event subprocess is always interrupting; remove isInterrupting="false"',
     _l('イベントサブプロセスのエラー開始イベントは常に中断型です。isInterrupting="false" を外してください。')),
    ((r"an interrupting event subprocess fires once, so a timer cycle cannot repeat it; use timeDate or "
      r'timeDuration, or set isInterrupting="false"'),
     _l("中断型のイベントサブプロセスは一度しか起動しないため、タイマーの繰り返し（timeCycle）は使えません。"
        'timeDate か timeDuration を使うか、isInterrupting="false" にしてください。')),
    ((r"camunda:variableName and camunda:variableEvents are not supported: the condition is evaluated "
      r"after every change of variables; remove them"),
     _l("camunda:variableName と camunda:variableEvents には対応していません。条件は変数が変わるたびに評価されます。"
        "外してください。")),
    # -- sequence flows ------------------------------------------------------------------------------
    (r"the sequence flow's sourceRef or targetRef points at no element",
     _l("シーケンスフローの sourceRef または targetRef が指す要素がありません。")),
    (r"a condition on a flow leaving a (?P<tag>\w+) is never evaluated; remove it",
     _l("%(tag)s から出るフローの条件は評価されません。条件を削除してください。")),
    (r"the default flow has a condition, which is never evaluated; remove it",
     _l("デフォルトフローに条件が付いていますが、評価されません。条件を削除してください。")),
    (r"the sequence flow's (?P<end>sourceRef|targetRef) points at '(?P<id>.*)', a (?P<tag>\w+), which is no flow node",
     _l("シーケンスフローの %(end)s が指す '%(id)s'（%(tag)s）はフローノードではありません。")),
    (r"the gateway has no outgoing sequence flow; draw at least one",
     _l("ゲートウェイから出るシーケンスフローがありません。少なくとも1本描いてください。")),
    # -- events (engine/validation/flow_rules.py) ---------------------------------------------------------
    ((r"the (?P<tag>boundaryEvent|intermediateCatchEvent) has no event definition; make it a timer, message, "
      r"error or other event in the modeler"),
     _l("%(tag)s にイベント定義がありません。モデラーでタイマー・メッセージ・エラーなどのイベントにしてください。")),
    (r"this flow leaves gateway '(?P<gateway>.*)' without a condition and is not its default flow",
     _l("ゲートウェイ '%(gateway)s' から出るこのフローには条件がなく、デフォルトフローでもありません。")),
    # -- a value that does not compile: "label: why" (the why is localized below) ---------------------
    (r"condition: (?P<detail>.*)", _l("条件式: %(detail)s")),
    ((r"(?P<label>camunda:\w+|timeDate|timeDuration|timeCycle|loopCardinality|completionCondition|loopCondition): "
      r"(?P<detail>.*)"), _l("%(label)s の値: %(detail)s")),
    # -- expressions (engine/expr) -------------------------------------------------------------------
    (r"Camunda 8 FEEL expressions \('= …'\) are not supported; use \$\{…\}",
     _l("Camunda 8 の FEEL 式（'= …'）には対応していません。${…} を使ってください。")),
    (r"a condition must be a \$\{\.\.\.\} expression, not '(?P<text>.*)'",
     _l("条件は ${...} の式1つで書いてください（'%(text)s' になっています）。")),
    (r"expression is too complex \(more than (?P<n>\d+) nested operations\) in '(?P<text>.*)'",
     _l("式が複雑すぎます（演算の入れ子が %(n)s 段を超えています）: '%(text)s'")),
    (r"(?P<what>.+?) at column (?P<column>\d+) in '(?P<text>.*)'", _l("%(what)s（'%(text)s' の %(column)s 文字目）。")),
    (r"empty expression", _l("式が空です")),
    (r"unexpected token '(?P<token>.*)'", _l("ここに '%(token)s' は書けません")),
    (r"unexpected end of expression", _l("式が途中で終わっています")),
    (r"expected a property name after '\.' but found token '(?P<token>.*)'",
     _l("'.' の後にはプロパティ名が必要ですが、'%(token)s' があります")),
    (r"expected a property name after '\.' but found end of expression",
     _l("'.' の後にプロパティ名がないまま式が終わっています")),
    (r"expected '(?P<op>.*?)' but found token '(?P<token>.*)'", _l("'%(op)s' があるべき位置に '%(token)s' があります")),
    (r"expected '(?P<op>.*?)' but found end of expression", _l("'%(op)s' がないまま式が終わっています")),
    (r"expression is nested too deeply", _l("式の入れ子が深すぎます")),
    (r"method call '(?P<name>.*)\(\)' is not supported", _l("メソッド呼び出し '%(name)s()' には対応していません")),
    (r"calling the result of an expression is not supported", _l("式の結果を関数として呼び出すことはできません")),
    (r"unknown function '(?P<name>.*?)' \(allowed: (?P<allowed>.*)\)",
     _l("関数 '%(name)s' は使えません（使える関数: %(allowed)s）")),
    (r"function '(?P<name>.*?)' takes 1 argument but got (?P<got>\d+)",
     _l("関数 '%(name)s' の引数は 1 個ですが、%(got)s 個あります")),
    (r"function '(?P<name>.*?)' takes (?P<n>\d+) arguments but got (?P<got>\d+)",
     _l("関数 '%(name)s' の引数は %(n)s 個ですが、%(got)s 個あります")),
    (r"name '(?P<name>.*?)' is not allowed because it starts with '_'", _l("'_' で始まる名前 '%(name)s' は使えません")),
    (r"a single '=' is not an operator \(use '==' to compare\)", _l("'=' 1つは演算子ではありません（比較には '==' を使います）")),
    (r"unexpected character (?P<char>" + _QUOTED + ")", _l("文字 %(char)s は使えません")),
    (r"missing '\}' to close the expression", _l("式を閉じる '}' がありません")),
    (r"malformed number '(?P<number>.*)'", _l("数値 '%(number)s' の書き方が正しくありません")),
    (r"number '(?P<number>.*)' is too long", _l("数値 '%(number)s' が長すぎます")),
    (r"invalid \\u escape in string", _l("文字列の \\u エスケープが正しくありません")),
    (r"unknown escape '(?P<escape>.*)' in string", _l("文字列に未知のエスケープ '%(escape)s' があります")),
    (r"unterminated string", _l("文字列が閉じられていません")),
    # -- timer values (engine/expr/timer_values.py, engine/start_schedule.py) ------------------------
    (r"cron timer cycles are not supported; use an ISO 8601 repeating interval like R/P1D",
     _l("cron 形式のタイマー周期には対応していません。R/P1D のような ISO 8601 の繰り返し間隔を使ってください。")),
    (r"'(?P<value>.*)' is not an ISO 8601 duration \(for example PT5M, P1D or P1DT2H\)",
     _l("'%(value)s' は ISO 8601 の期間ではありません（例: PT5M、P1D、P1DT2H）。")),
    (r"only the last component of '(?P<value>.*)' may have a fraction",
     _l("'%(value)s' で小数を使えるのは最後の要素だけです。")),
    (r"fractional years or months are not supported in '(?P<value>.*)'", _l("'%(value)s' の年・月には小数を使えません。")),
    (r"'(?P<value>.*)' is not an ISO 8601 date-time \(for example 2026-03-14T09:00:00\+09:00\)",
     _l("'%(value)s' は ISO 8601 の日時ではありません（例: 2026-03-14T09:00:00+09:00）。")),
    ((r"'(?P<value>.*)' is not an ISO 8601 repeating interval \(use R\[n\]/duration, R\[n\]/start/duration or "
      r"R\[n\]/duration/end, for example R/P1D\)"),
     _l("'%(value)s' は ISO 8601 の繰り返し間隔ではありません（R[n]/期間、R[n]/開始/期間、R[n]/期間/終了 のどれか。"
        "例: R/P1D）。")),
    (r"'(?P<count>.*?)' in '(?P<value>.*)' is not a repetition count like R or R5",
     _l("'%(value)s' の '%(count)s' は R や R5 のような繰り返し回数ではありません。")),
    (r"the repetition count in '(?P<value>.*)' must be at least 1", _l("'%(value)s' の繰り返し回数は1以上にしてください。")),
    (r"the interval in '(?P<value>.*)' must be longer than zero", _l("'%(value)s' の間隔は0より長くしてください。")),
    (r"adding (?P<duration>\S+) to (?P<start>\S+) goes beyond the supported date range",
     _l("%(start)s に %(duration)s を足すと、扱える日付の範囲を超えます。")),
    (r"'(?P<value>.*)' is neither an ISO 8601 repeating interval nor a cron expression",
     _l("'%(value)s' は ISO 8601 の繰り返し間隔でも cron 式でもありません。")),
    (r"a timer start event needs a literal value: there is no process data before the start",
     _l("タイマー開始イベントには固定の値を書いてください。開始の前にはプロセスのデータがありません。")),
    (r"'(?P<value>.*)' never fires", _l("'%(value)s' では一度も起動しません。")),
    *DMN,  # DMN files and the FEEL syntax errors inside their sentences: web/validation_text_dmn.py
    *FEEL,
]
PATTERNS = [(re.compile(pattern, re.DOTALL), text) for pattern, text in _SENTENCES]


def match(message: str) -> tuple[int, re.Match[str]] | None:
    """The first pattern that knows the whole sentence: its index and match (None if none does)."""
    for index, (pattern, _text) in enumerate(PATTERNS):
        found = pattern.fullmatch(message)
        if found:
            return index, found
    return None


def localized(message: str) -> str:
    """One problem sentence in the request's language (unchanged if no pattern knows it)."""
    found = match(message)
    if found is None:
        return message
    index, m = found
    values = {k: localized(v) if k in NESTED else v for k, v in m.groupdict(default="").items()}
    return str(PATTERNS[index][1]) % values
