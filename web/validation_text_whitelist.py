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
    (rf"camunda:(?P<tag>{_TAG}) is not supported on a (?P<host>{_TAG})", _l("camunda:%(tag)s は %(host)s では使えません。")),
    (rf"camunda:(?P<tag>{_TAG}) has the attribute '(?P<attr>[^']*)', which is not supported",
     _l("camunda:%(tag)s の属性 '%(attr)s' には対応していません。")),
    (rf"the attribute '(?P<attr>[^']*)' is not supported on a bpmn:(?P<tag>{_TAG})",
     _l("bpmn:%(tag)s の属性 '%(attr)s' には対応していません。")),
    (rf"camunda:(?P<name>{_TAG}) does not apply to a bpmn:(?P<tag>{_TAG}); remove it",
     _l("camunda:%(name)s は bpmn:%(tag)s には使えません。削除してください。")),
    # attribute values
    (r"Camunda 7 always starts and completes an activity with one token; remove the quantity or set it to 1",
     _l("Camunda 7 ではアクティビティは常に1つのトークンで開始・完了します。startQuantity・completionQuantity は"
        "削除するか 1 にしてください。")),
    (r"parallel multiple events are not supported; catch each event with its own event",
     _l("並列複数イベント（parallelMultiple）には対応していません。待つイベントごとにイベントを分けてください。")),
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
    (r"camunda:mapDecisionResult applies to business rule tasks; remove it",
     _l("camunda:mapDecisionResult を使えるのはビジネスルールタスクだけです。削除してください。")),
    # BPMN elements refused (ELEMENTS[...].refused)
    (r"cancel events are not supported; use an error event and an error boundary event",
     _l("キャンセルイベントには対応していません。エラーイベントとエラー境界イベントを使ってください。")),
    (r"transaction subprocesses are not supported; use a subprocess with an error boundary event",
     _l("トランザクションサブプロセスには対応していません。エラー境界イベントを付けたサブプロセスを使ってください。")),
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
    (r"this is an Activiti extension; write it as the camunda: attribute of the same name",
     _l("これは Activiti の拡張です。同じ名前の camunda: 属性で書いてください。")),
]
