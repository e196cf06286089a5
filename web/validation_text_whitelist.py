"""The whitelist's sentences (engine/validation/whitelist.py, whitelist_table.py) for web/validation_text.py.

Same form as the patterns there: the engine's sentence as a pattern, the Japanese msgid taking its named
groups.  A sentence the whitelist shares with bpmn_rules.REFUSED (script tasks, loops, link events …) is
known there already and is not repeated here.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

_TAG = r"[\w.-]+"  # an XML local name
_EXTERNAL = r'use a service task with camunda:type="external" and a topic'

WHITELIST = [
    # -- the whitelist (engine/validation/whitelist_table.py) -----------------------------------------
    # what the table does not list (whitelist.py)
    (rf"bpmn:(?P<tag>{_TAG}) is not part of kentei's dialect; see docs/dialect\.md for what runs",
     _l("bpmn:%(tag)s は kentei で動く要素ではありません。動くものは docs/dialect.md を見てください。")),
    (rf"camunda:(?P<tag>{_TAG}) is not supported", _l("camunda:%(tag)s には対応していません。")),
    (rf"camunda:(?P<tag>{_TAG}) is not supported on a bpmn:(?P<host>{_TAG})",
     _l("camunda:%(tag)s は bpmn:%(host)s では使えません。")),
    (rf"camunda:(?P<tag>{_TAG}) has the attribute '(?P<attr>[^']*)', which is not supported",
     _l("camunda:%(tag)s の属性 '%(attr)s' には対応していません。")),
    (rf"the attribute '(?P<attr>[^']*)' is not supported on a bpmn:(?P<tag>{_TAG})",
     _l("bpmn:%(tag)s の属性 '%(attr)s' には対応していません。")),
    (rf"camunda:(?P<name>{_TAG}) does not apply to a bpmn:(?P<tag>{_TAG}); remove it",
     _l("camunda:%(name)s は bpmn:%(tag)s には使えません。削除してください。")),
    # attribute values
    (r"Camunda 7 always starts and completes an activity with one token; remove startQuantity and "
     r"completionQuantity or set them to 1",
     _l("Camunda 7 ではアクティビティは常に1つのトークンで開始・完了します。startQuantity・completionQuantity は"
        "削除するか 1 にしてください。")),
    (r'parallel multiple events \(parallelMultiple="true"\) are not supported, as in Camunda 7; catch each event '
     r"with its own event and join them with a parallel gateway",
     _l("Camunda 7 と同じく、並列複数イベント（parallelMultiple=\"true\"）には対応していません。待つイベントごとに"
        "イベントを分け、並列ゲートウェイで合流させてください。")),
    (r"an instantiating receive task is not supported; start the process with a message start event",
     _l("プロセスを開始する受信タスク（instantiate）には対応していません。プロセスはメッセージ開始イベントで"
        "開始してください。")),
    (r"an instantiating event-based gateway is not supported; start the process with a message or timer start event",
     _l("プロセスを開始するイベントベースゲートウェイ（instantiate）には対応していません。プロセスはメッセージ開始"
        "イベントかタイマー開始イベントで開始してください。")),
    (r"a parallel event-based gateway is not supported", _l("並列のイベントベースゲートウェイには対応していません。")),
    (r"script conditions cannot run here; write the condition as an expression \$\{…\} without a language",
     _l("スクリプトの条件はここでは動きません。条件は language を付けずに ${…} の式で書いてください。")),
    ((r'called processes bind to the version deployed with the caller, as camunda:calledElementBinding="deployment" '
      r"does; remove the binding or set it to deployment"),
     _l('呼び出すプロセスは、camunda:calledElementBinding="deployment" と同じく、呼び出し元と一緒にデプロイされた版を'
        "使います。この指定を削除するか deployment にしてください。")),
    (r"decisions bind to the newest deployed version; remove camunda:decisionRefBinding or set it to latest",
     _l("決定はデプロイ済みの最新版を使います。camunda:decisionRefBinding を削除するか latest にしてください。")),
    (r"camunda:mapDecisionResult takes singleEntry, singleResult, collectEntries or resultList",
     _l("camunda:mapDecisionResult には singleEntry・singleResult・collectEntries・resultList のどれかを指定してください。")),
    # camunda:* attributes (CAMUNDA_REFUSED)
    (rf"Java delegates cannot run here; {_EXTERNAL}",
     _l('Java デリゲートはここでは動きません。camunda:type="external" とトピックを指定したサービスタスクを'
        "使ってください。")),
    (rf"expression delegates cannot run here; {_EXTERNAL}",
     _l('式のデリゲート（camunda:expression）はここでは動きません。camunda:type="external" とトピックを指定した'
        "サービスタスクを使ってください。")),
    (r"job priorities are not supported; remove camunda:jobPriority",
     _l("ジョブの優先度には対応していません。camunda:jobPriority を削除してください。")),
    (r"external task priorities are not supported; remove camunda:taskPriority",
     _l("外部タスクの優先度には対応していません。camunda:taskPriority を削除してください。")),
    (r"task priorities are not supported yet; remove camunda:priority",
     _l("タスクの優先度にはまだ対応していません。camunda:priority を削除してください。")),
    (r"external and embedded forms are not supported; define the form with camunda:formData \(generated task forms\)",
     _l("外部フォームや埋め込みフォームには対応していません。フォームは camunda:formData で定義してください"
        "（タスクのフォームが自動で作られます）。")),
    (r"Camunda Forms are not supported; define the form with camunda:formData \(generated task forms\)",
     _l("Camunda Forms には対応していません。フォームは camunda:formData で定義してください"
        "（タスクのフォームが自動で作られます）。")),
    (r"Camunda Forms are not supported; define the form with camunda:formData",
     _l("Camunda Forms には対応していません。フォームは camunda:formData で定義してください。")),
    (r"Java form handlers cannot run here; define the form with camunda:formData",
     _l("Java のフォームハンドラーはここでは動きません。フォームは camunda:formData で定義してください。")),
    (r"who may start a process is decided by roles in kentei; remove (?P<name>camunda:\w+)",
     _l("kentei では、プロセスを開始できる人は役割で決まります。%(name)s を削除してください。")),
    (r"decisions bind to the newest deployed version; remove (?P<name>camunda:\w+)",
     _l("決定はデプロイ済みの最新版を使います。%(name)s を削除してください。")),
    (r"called processes bind to the version deployed with the caller; remove (?P<name>camunda:\w+)",
     _l("呼び出すプロセスは、呼び出し元と一緒にデプロイされた版を使います。%(name)s を削除してください。")),
    (r"Java variable mappings cannot run here; use camunda:in and camunda:out",
     _l("Java による変数の受け渡しはここでは動きません。camunda:in と camunda:out を使ってください。")),
    (r"CMMN cases are not supported; call a BPMN process",
     _l("CMMN のケースには対応していません。BPMN のプロセスを呼び出してください。")),
    (r"external script resources cannot run here; write the condition as an expression",
     _l("外部のスクリプトリソースはここでは動きません。条件は式で書いてください。")),
    (r"asynchronous signals are not supported yet; remove camunda:async",
     _l("非同期のシグナルにはまだ対応していません。camunda:async を削除してください。")),
    (r"camunda:resultVariable applies to business rule tasks here \(a handler returns its variables\); remove it",
     _l("camunda:resultVariable を使えるのはビジネスルールタスクだけです（ハンドラーは変数を返します）。"
        "削除してください。")),
    # BPMN elements refused (ELEMENTS[...].refused)
    # events Camunda 7 does not run as drawn (engine/validation/event_rules.py)
    ((r"a receive task needs messageRef naming the bpmn:message it waits for; Camunda 7's trigger "
      r"without a message has no counterpart here"),
     _l("受信タスクには、待つ bpmn:message を指す messageRef が必要です。メッセージなしで進める Camunda 7 の操作は kentei にはありません。")),
    ((r"an event with several event definitions \(a BPMN multiple event\) is not supported, as in "
      r"Camunda 7; draw one event per definition, after an event-based gateway to wait for whichever comes first"),
     _l("Camunda 7 と同じく、複数のイベント定義を持つイベント（BPMN の複数イベント）には対応していません。定義ごとにイベントを描き、先に来たものを待つならイベントベースゲートウェイの後に置いてください。")),
    ((r"(?P<kind>\w+) start events belong in event subprocesses, as in Camunda 7; a process starts "
      r"with a none, timer, message or signal start event"),
     _l("Camunda 7 と同じく、%(kind)s 開始イベントはイベントサブプロセスの中で使います。プロセスは種類なし・タイマー・メッセージ・シグナルのいずれかの開始イベントで始めてください。")),
    ((r"a conditional start event on a process starts instances only when an API call evaluates "
      r"conditions, which kentei does not offer; start with a none or message start event and wait with a conditional intermediate event"),
     _l("プロセスの条件開始イベントは、API で条件を評価したときにだけインスタンスを開始しますが、"
        "kentei にはその API がありません。種類なしかメッセージの開始イベントで始め、条件中間イベントで待ってください。")),
    (r"the receive task's messageRef '(?P<ref>.*)' points at no named bpmn:message",
     _l("受信タスクの messageRef '%(ref)s' が指す、名前付きの bpmn:message がありません。")),
    ((r"an event-based gateway leads only to intermediate catch events and receive tasks, as in Camunda 7; its "
      r"flow '(?P<flow>.*)' leads to a (?P<kind>\w+)"),
     _l("Camunda 7 と同じく、イベントベースゲートウェイの後には中間キャッチイベントか受信タスクしか置けません。"
        "フロー '%(flow)s' の先は %(kind)s です。")),
    ((r"a start event has no incoming sequence flow; draw the flow to the task after it"),
     _l("開始イベントには入ってくるシーケンスフローを付けません。"
        "フローはその後のタスクにつないでください。")),
    ((r"an end event has no outgoing sequence flow; end the path with it or draw an intermediate event instead"),
     _l("終了イベントには出ていくシーケンスフローを付けません。"
        "そこで経路を終えるか、代わりに中間イベントを描いてください。")),
    ((r"the sequence flow crosses the border of a subprocess; connect elements of the same \(sub\)process and let the subprocess end or a boundary event lead out"),
     _l("シーケンスフローがサブプロセスの境界をまたいでいます。"
        "同じ（サブ）プロセスの要素どうしをつなぎ、外へはサブプロセスの終了か境界イベントから出てください。")),
    ((r"the timer has more than one of timeDate, timeDuration and timeCycle; keep one"),
     _l("タイマーに timeDate・timeDuration・timeCycle のうち2つ以上があります。"
        "1つにしてください。")),
    ((r"two message start events of this scope wait for the message '(?P<ref>.*)'; Camunda 7 refuses that, as it could not tell which to start"),
     _l("このスコープの2つのメッセージ開始イベントが同じメッセージ '%(ref)s' を待っています。"
        "どちらを開始するか決められないため、Camunda 7 でも使えません。")),
    # transactions and cancel events (engine/validation/transaction_rules.py)
    (r"a transaction subprocess can have only one cancel boundary event, as in Camunda 7",
     _l("Camunda 7 と同じく、トランザクションサブプロセスに付けられるキャンセル境界イベントは1つだけです。")),
    (r"the transaction subprocess has a cancel end event but no cancel boundary event to leave it by; attach one",
     _l("トランザクションサブプロセスにキャンセル終了イベントがありますが、抜け出すためのキャンセル境界イベントがありません。付けてください。")),
    (r"a cancel end event belongs directly inside a transaction subprocess, as in Camunda 7",
     _l("Camunda 7 と同じく、キャンセル終了イベントはトランザクションサブプロセスの直下に置いてください。")),
    (r"a cancel boundary event belongs on a transaction subprocess, as in Camunda 7",
     _l("Camunda 7 と同じく、キャンセル境界イベントはトランザクションサブプロセスに付けてください。")),
    (r'a cancel boundary event always interrupts its transaction; remove cancelActivity="false"',
     _l('キャンセル境界イベントは常にトランザクションを中断します。cancelActivity="false" を外してください。')),
    (r"cancel events are end events inside a transaction subprocess and boundary events on one; a (?P<tag>\w+) cannot be one",
     _l("キャンセルイベントは、トランザクションサブプロセス内の終了イベントか、それに付けた境界イベントだけです。%(tag)s にはできません。")),
    ((r"an event definition referenced with eventDefinitionRef is not supported; draw the event definition "
      r"inside the event"),
     _l("eventDefinitionRef で参照するイベント定義には対応していません。イベント定義はイベントの中に描いてください。")),
    (r"global tasks are not supported; draw the task in the process",
     _l("グローバルタスクには対応していません。タスクはプロセスの中に描いてください。")),
    (r"imports are not supported; put what the diagram needs in the file",
     _l("インポート（bpmn:import）には対応していません。図に必要なものはこのファイルの中に書いてください。")),
    (r"BPMN performers are not supported; use camunda:assignee or camunda:candidateGroups",
     _l("BPMN の担当者（performer）の指定には対応していません。camunda:assignee か camunda:candidateGroups を"
        "使ってください。")),
    (r"BPMN potential owners are not supported; use camunda:candidateGroups",
     _l("BPMN の潜在的所有者（potentialOwner）には対応していません。camunda:candidateGroups を使ってください。")),
    (r"BPMN resource roles are not supported; use camunda:candidateGroups",
     _l("BPMN のリソースロールには対応していません。camunda:candidateGroups を使ってください。")),
    (r"BPMN resources are not supported; use camunda:candidateGroups",
     _l("BPMN のリソースには対応していません。camunda:candidateGroups を使ってください。")),
    (r"service interfaces are not supported; use a service task with a topic",
     _l("サービスインターフェースには対応していません。トピックを指定したサービスタスクを使ってください。")),
    (r"service operations are not supported; use a service task with a topic",
     _l("サービスオペレーションには対応していません。トピックを指定したサービスタスクを使ってください。")),
    (r"BPMN correlation properties are not supported; set the key with camunda:property correlationKey",
     _l("BPMN の相関プロパティには対応していません。キーは camunda:property の correlationKey で指定してください。")),
    (r"BPMN correlation keys are not supported; set the key with camunda:property correlationKey",
     _l("BPMN の相関キーには対応していません。キーは camunda:property の correlationKey で指定してください。")),
    (r"BPMN correlation subscriptions are not supported; set the key with camunda:property correlationKey",
     _l("BPMN の相関サブスクリプションには対応していません。キーは camunda:property の correlationKey で"
        "指定してください。")),
    (r"choreographies are not executable", _l("コレオグラフィーは実行できません。")),
    (r"conversations are not executable", _l("カンバセーション（会話）は実行できません。")),
    # camunda extension elements refused (CAMUNDA_ELEMENTS)
    (r"listeners run Java or scripts, which cannot run here; put the work in a service task with a topic",
     _l("リスナーは Java やスクリプトを実行するため、ここでは動きません。処理はトピックを指定したサービスタスクに"
        "してください。")),
    (r"Java delegate fields cannot run here; pass values in camunda:properties",
     _l("Java デリゲートのフィールドはここでは動きません。値は camunda:properties で渡してください。")),
    (rf"connectors cannot run here; {_EXTERNAL}",
     _l('コネクターはここでは動きません。camunda:type="external" とトピックを指定したサービスタスクを使ってください。')),
    (r"error event definitions on external tasks are not supported; the handler raises BpmnError with the code",
     _l("外部タスクのエラーイベント定義には対応していません。エラーはハンドラーがコードを付けた BpmnError で"
        "知らせます。")),
    (r"form properties are not supported; use camunda:formData",
     _l("フォームプロパティ（camunda:formProperty）には対応していません。camunda:formData を使ってください。")),
    (r"scripts are not allowed: compute the value with an expression \$\{…\} or a DMN decision, and put other work "
     r"in an external service task",
     _l("スクリプトは使えません。値は式 ${…} か DMN の決定で求め、その他の処理は外部サービスタスクにしてください。")),
    # other engines' extensions (NAMESPACES_REFUSED)
    (r"this is a (?P<vendor>.+?) extension; draw the diagram as a Camunda 7 diagram",
     _l("これは %(vendor)s の拡張です。Camunda 7 の図として描いてください。")),
]
