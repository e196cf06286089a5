"""The dialect's whitelist: every BPMN element, attribute and Camunda 7 extension kentei knows, each
supported (how it runs: docs/dialect.md) or refused with a sentence that says why and what to draw instead.

Anything not listed is refused too (engine/validation/whitelist.py). Rows are grouped by construct family,
so that a family's work changes its own rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    """What one element may carry: BPMN attributes besides id and name, camunda:* attributes, and
    attribute values that are refused (attribute -> (accepted values, sentence))."""

    attrs: frozenset[str] = frozenset()
    camunda: frozenset[str] = frozenset()
    refused: str | None = None
    values: dict[str, tuple[frozenset[str], str]] = field(default_factory=dict)


def rule(attrs: str = "", camunda: str = "", refused: str | None = None,
         values: dict[str, tuple[frozenset[str], str]] | None = None) -> Rule:
    return Rule(frozenset(attrs.split()), frozenset(camunda.split()), refused, values or {})


ONE = frozenset({"1"})
FALSE = frozenset({"false"})
QUANTITY = "Camunda 7 always starts and completes an activity with one token; remove startQuantity and completionQuantity or set them to 1"
CONDITION_FILTER = ("camunda:variableName and camunda:variableEvents are not supported: the condition is evaluated "
                    "after every change of variables; remove them")
PARALLEL_MULTIPLE = ('parallel multiple events (parallelMultiple="true") are not supported, as in Camunda 7; '
                     "catch each event with its own event and join them with a parallel gateway")

# -- camunda:* attributes that are refused wherever they appear ------------------------------------
CAMUNDA_REFUSED: dict[str, str] = {
    "class": "Java delegates cannot run here; use a service task with camunda:type=\"external\" and a topic",
    "delegateExpression": "Java delegates cannot run here; use a service task with camunda:type=\"external\" "
                          "and a topic",
    "expression": "expression delegates cannot run here; use a service task with camunda:type=\"external\" "
                  "and a topic",
    "jobPriority": "job priorities are not supported; remove camunda:jobPriority",
    "taskPriority": "external task priorities are not supported; remove camunda:taskPriority",
    "formKey": "external and embedded forms are not supported; define the form with camunda:formData "
               "(generated task forms)",
    "formRef": "Camunda Forms are not supported; define the form with camunda:formData (generated task forms)",
    "formRefBinding": "Camunda Forms are not supported; define the form with camunda:formData",
    "formRefVersion": "Camunda Forms are not supported; define the form with camunda:formData",
    "formHandlerClass": "Java form handlers cannot run here; define the form with camunda:formData",
    "priority": "task priorities are not supported yet; remove camunda:priority",
    "candidateStarterGroups": "who may start a process is decided by roles in kentei; remove "
                              "camunda:candidateStarterGroups",
    "candidateStarterUsers": "who may start a process is decided by roles in kentei; remove "
                             "camunda:candidateStarterUsers",
    "decisionRefVersion": "decisions bind to the newest deployed version; remove camunda:decisionRefVersion",
    "decisionRefVersionTag": "decisions bind to the newest deployed version; remove camunda:decisionRefVersionTag",
    "calledElementVersion": "called processes bind to the version deployed with the caller; remove "
                            "camunda:calledElementVersion",
    "calledElementVersionTag": "called processes bind to the version deployed with the caller; remove "
                               "camunda:calledElementVersionTag",
    "variableMappingClass": "Java variable mappings cannot run here; use camunda:in and camunda:out",
    "variableMappingDelegateExpression": "Java variable mappings cannot run here; use camunda:in and camunda:out",
    "caseRef": "CMMN cases are not supported; call a BPMN process",
    "caseBinding": "CMMN cases are not supported; call a BPMN process",
    "caseVersion": "CMMN cases are not supported; call a BPMN process",
    "caseTenantId": "CMMN cases are not supported; call a BPMN process",
    "resource": "external script resources cannot run here; write the condition as an expression",
    "variableName": CONDITION_FILTER,
    "variableEvents": CONDITION_FILTER,
    "resultVariable": "camunda:resultVariable applies to business rule tasks here (a handler returns its "
                      "variables); remove it",
}
# save points (engine/bpmn/async_points.py, judged in engine/validation/async_rules.py); jobPriority is refused above
ASYNC = "async asyncBefore asyncAfter exclusive jobPriority"  # camunda:async: the old name of asyncBefore
CALL_BINDING = {"calledElementBinding": (frozenset({"deployment"}), "called processes bind to the version "
                "deployed with the caller, as camunda:calledElementBinding=\"deployment\" does; remove the "
                "binding or set it to deployment")}
DECISION_BINDING = {"decisionRefBinding": (frozenset({"latest"}), "decisions bind to the newest deployed version; "
                    "remove camunda:decisionRefBinding or set it to latest")}
MAP_RESULT = {"mapDecisionResult": (frozenset({"singleEntry", "singleResult", "collectEntries", "resultList"}),
                                    "camunda:mapDecisionResult takes singleEntry, singleResult, collectEntries "
                                    "or resultList")}
EXPRESSION_LANGUAGE = (frozenset({"", "juel", "JUEL"}), ("script conditions cannot run here; write the condition "
                                                         "as an expression ${…} without a language"))
LOOP_DATA = ("multi-instance {} (BPMN data inputs and outputs) is not supported; use camunda:collection and "
             "camunda:elementVariable, and output mappings to gather results")
ACTIVITY = "isForCompensation startQuantity completionQuantity default"
ACTIVITY_VALUES = {"startQuantity": (ONE, QUANTITY), "completionQuantity": (ONE, QUANTITY)}

ELEMENTS: dict[str, Rule] = {
    # -- the document and what only describes ------------------------------------------------------
    "definitions": rule("targetNamespace expressionLanguage typeLanguage exporter exporterVersion"),
    "documentation": rule("textFormat"),
    "extensionElements": rule(),
    "extension": rule("definition mustUnderstand"),
    "collaboration": rule("isClosed"),
    "participant": rule("processRef"),
    "participantMultiplicity": rule("minimum maximum"),
    "messageFlow": rule("sourceRef targetRef messageRef"),
    "laneSet": rule(),
    "lane": rule("partitionElementRef"),
    "flowNodeRef": rule(),
    "childLaneSet": rule(),
    "textAnnotation": rule("textFormat"),
    "text": rule(),
    "association": rule("sourceRef targetRef associationDirection"),
    "group": rule("categoryValueRef"),
    "category": rule(),
    "categoryValue": rule("value"),
    "itemDefinition": rule("structureRef isCollection itemKind"),
    "message": rule("itemRef"),
    "error": rule("errorCode structureRef", "errorMessage"),
    "escalation": rule("escalationCode structureRef"),
    "signal": rule("structureRef"),
    "process": rule("isExecutable processType isClosed definitionalCollaborationRef",
                    "historyTimeToLive versionTag isStartableInTasklist candidateStarterGroups candidateStarterUsers "
                    "jobPriority taskPriority"),
    "incoming": rule(),
    "outgoing": rule(),
    # -- flow nodes ----------------------------------------------------------------------------------
    "startEvent": rule("isInterrupting parallelMultiple", f"{ASYNC} formKey formRef formRefBinding formRefVersion "
                       "initiator", values={"parallelMultiple": (FALSE, PARALLEL_MULTIPLE)}),
    "endEvent": rule("", f"{ASYNC} type topic class delegateExpression expression resultVariable taskPriority"),
    "intermediateCatchEvent": rule("parallelMultiple", ASYNC, values={"parallelMultiple": (FALSE, PARALLEL_MULTIPLE)}),
    "intermediateThrowEvent": rule("", f"{ASYNC} type topic class delegateExpression expression resultVariable "
                                   "taskPriority"),
    "boundaryEvent": rule("attachedToRef cancelActivity parallelMultiple", ASYNC,
                          values={"parallelMultiple": (FALSE, PARALLEL_MULTIPLE)}),
    "userTask": rule(f"{ACTIVITY} implementation", f"{ASYNC} assignee candidateGroups candidateUsers dueDate "
                     "followUpDate formKey formRef formRefBinding formRefVersion formHandlerClass priority",
                     values=ACTIVITY_VALUES),
    "serviceTask": rule(f"{ACTIVITY} implementation operationRef", f"{ASYNC} type topic class delegateExpression "
                        "expression resultVariable taskPriority", values=ACTIVITY_VALUES),
    "sendTask": rule(f"{ACTIVITY} implementation messageRef operationRef", f"{ASYNC} type topic class "
                     "delegateExpression expression resultVariable taskPriority", values=ACTIVITY_VALUES),
    "receiveTask": rule(f"{ACTIVITY} implementation instantiate messageRef operationRef", ASYNC, values={
        **ACTIVITY_VALUES, "instantiate": (FALSE, "an instantiating receive task is not supported; start the process "
                                                  "with a message start event")}),
    "businessRuleTask": rule(f"{ACTIVITY} implementation", f"{ASYNC} decisionRef decisionRefBinding decisionRefVersion "
                             "decisionRefVersionTag decisionRefTenantId resultVariable mapDecisionResult type topic "
                             "class delegateExpression expression taskPriority",
                             values={**ACTIVITY_VALUES, **DECISION_BINDING, **MAP_RESULT}),
    "task": rule(ACTIVITY, ASYNC, values=ACTIVITY_VALUES),
    "manualTask": rule(ACTIVITY, ASYNC, values=ACTIVITY_VALUES),
    "exclusiveGateway": rule("gatewayDirection default", ASYNC),
    "inclusiveGateway": rule("gatewayDirection default", ASYNC),
    "parallelGateway": rule("gatewayDirection", ASYNC),
    "eventBasedGateway": rule("gatewayDirection instantiate eventGatewayType", ASYNC, values={
        "instantiate": (FALSE, "an instantiating event-based gateway is not supported; start the process with "
                               "a message or timer start event"),
        "eventGatewayType": (frozenset({"Exclusive"}), "a parallel event-based gateway is not supported")}),
    "subProcess": rule(f"{ACTIVITY} triggeredByEvent", ASYNC, values=ACTIVITY_VALUES),
    "callActivity": rule(f"{ACTIVITY} calledElement", f"{ASYNC} calledElementBinding calledElementVersion "
                         "calledElementVersionTag calledElementTenantId caseRef caseBinding caseVersion caseTenantId "
                         "variableMappingClass variableMappingDelegateExpression",
                         values={**ACTIVITY_VALUES, **CALL_BINDING}),
    # -- flows and event definitions -----------------------------------------------------------------
    "sequenceFlow": rule("sourceRef targetRef isImmediate"),
    "conditionExpression": rule("language evaluatesToTypeRef", "resource", values={
        "language": (frozenset({"", "juel", "JUEL"}), "script conditions cannot run here; write the condition as "
                                                      "an expression ${…} without a language")}),
    "timerEventDefinition": rule(),
    "timeDate": rule(),
    "timeDuration": rule(),
    "timeCycle": rule(),
    # on a throw or end event: camunda:type="external" camunda:topic, as on a send task (bpmn_rules._throw)
    "messageEventDefinition": rule("messageRef operationRef", "type topic class delegateExpression expression"),
    "errorEventDefinition": rule("errorRef", "errorCodeVariable errorMessageVariable"),
    "terminateEventDefinition": rule(),

    # -- multi-instance and loops (engine/bpmn/multi_instance.py) ----------------------------------
    # (loop_rules.py judges what these carry; camunda:async* on the characteristics is refused there)
    "multiInstanceLoopCharacteristics": rule("isSequential behavior oneBehaviorEventRef noneBehaviorEventRef",
                                             "collection elementVariable asyncBefore asyncAfter exclusive"),
    "loopCardinality": rule("language evaluatesToTypeRef", values={"language": EXPRESSION_LANGUAGE}),
    "completionCondition": rule("language evaluatesToTypeRef", values={"language": EXPRESSION_LANGUAGE}),
    "loopDataInputRef": rule(refused=LOOP_DATA.format("loopDataInputRef")),
    "loopDataOutputRef": rule(refused=LOOP_DATA.format("loopDataOutputRef")),
    "inputDataItem": rule(refused=LOOP_DATA.format("inputDataItem")),
    "outputDataItem": rule(refused=LOOP_DATA.format("outputDataItem")),
    "complexBehaviorDefinition": rule(refused="multi-instance complex behavior definitions are not supported, "
                                              "as in Camunda 7"),
    "standardLoopCharacteristics": rule("testBefore loopMaximum"),
    "loopCondition": rule("language evaluatesToTypeRef", values={"language": EXPRESSION_LANGUAGE}),

    # -- event subprocesses, escalation, conditional events (engine/bpmn/event_subprocesses.py) --------
    "escalationEventDefinition": rule("escalationRef"),
    "conditionalEventDefinition": rule("", "variableName variableEvents"),
    "condition": rule("language evaluatesToTypeRef", values={
        "language": (frozenset({"", "juel", "JUEL"}), "script conditions cannot run here; write the condition as "
                                                      "an expression ${…} without a language")}),

    # -- signals, link and message events (engine/bpmn/signals.py) ------------------------------------
    # signalRef must name a bpmn:signal; camunda:async is refused (CAMUNDA_REFUSED); camunda:in passes variables
    "signalEventDefinition": rule("signalRef", "async", values={
        "async": (FALSE, "asynchronous signals are not supported yet; remove camunda:async")}),
    "linkEventDefinition": rule(),  # name pairs a throw with its catch (bpmn_rules._link)

    # -- compensation and transactions (engine/bpmn/compensation.py) -----------------------------------
    # where compensation may be drawn, and how: engine/validation/compensation_rules.py
    "compensateEventDefinition": rule("activityRef waitForCompletion"),
    # transactions: a cancel end event cancels the transaction, its cancel boundary event takes over
    # (where they may be drawn: engine/validation/transaction_rules.py)
    "cancelEventDefinition": rule(),
    "transaction": rule(ACTIVITY, ASYNC, values=ACTIVITY_VALUES),

    # -- data (engine/bpmn/flows.py, data_elements.py): drawn, left out of the run, as Camunda 7 does ----
    "ioSpecification": rule(),
    "dataInput": rule("itemSubjectRef isCollection"),
    "dataOutput": rule("itemSubjectRef isCollection"),
    "inputSet": rule(),
    "outputSet": rule(),
    "dataInputRefs": rule(),
    "dataOutputRefs": rule(),
    "optionalInputRefs": rule(),
    "optionalOutputRefs": rule(),
    "whileExecutingInputRefs": rule(),
    "whileExecutingOutputRefs": rule(),
    "inputSetRefs": rule(),
    "outputSetRefs": rule(),
    "dataObject": rule("itemSubjectRef isCollection"),
    "dataObjectReference": rule("itemSubjectRef dataObjectRef"),
    "dataStore": rule("itemSubjectRef capacity isUnlimited"),
    "dataStoreReference": rule("itemSubjectRef dataStoreRef"),
    "dataState": rule(),
    "dataInputAssociation": rule(),
    "dataOutputAssociation": rule(),
    "sourceRef": rule(),
    "targetRef": rule(),
    "transformation": rule("language evaluatesToTypeRef"),
    "assignment": rule(),
    "from": rule("language evaluatesToTypeRef"),
    "to": rule("language evaluatesToTypeRef"),
    "property": rule("itemSubjectRef"),
    "eventDefinitionRef": rule(refused="an event definition referenced with eventDefinitionRef is not supported; "
                                       "draw the event definition inside the event"),

    # -- never: what Camunda 7 does not run either, or only with Java or scripts ----------------------
    "scriptTask": rule(refused="script tasks are not allowed: put the rule in a DMN table or the work in an "
                               "external service task"),
    "complexGateway": rule(refused="complex gateways are not supported; use exclusive, inclusive or parallel "
                                   "gateways"),
    "adHocSubProcess": rule(refused="ad-hoc subprocesses are not supported"),
    **dict.fromkeys(("globalTask", "globalUserTask", "globalManualTask", "globalScriptTask", "globalBusinessRuleTask"),
                    rule(refused="global tasks are not supported; draw the task in the process")),
    "import": rule(refused="imports are not supported; put what the diagram needs in the file"),
    "humanPerformer": rule(refused="BPMN performers are not supported; use camunda:assignee or "
                                   "camunda:candidateGroups"),
    "potentialOwner": rule(refused="BPMN potential owners are not supported; use camunda:candidateGroups"),
    "performer": rule(refused="BPMN performers are not supported; use camunda:assignee or camunda:candidateGroups"),
    "resourceRole": rule(refused="BPMN resource roles are not supported; use camunda:candidateGroups"),
    "resource": rule(refused="BPMN resources are not supported; use camunda:candidateGroups"),
    "interface": rule(refused="service interfaces are not supported; use a service task with a topic"),
    "operation": rule(refused="service operations are not supported; use a service task with a topic"),
    "correlationProperty": rule(refused="BPMN correlation properties are not supported; set the key with "
                                        "camunda:property correlationKey"),
    "correlationKey": rule(refused="BPMN correlation keys are not supported; set the key with camunda:property "
                                   "correlationKey"),
    "correlationSubscription": rule(refused="BPMN correlation subscriptions are not supported; set the key with "
                                            "camunda:property correlationKey"),
    **dict.fromkeys(("choreography", "choreographyTask", "subChoreography", "callChoreography"),
                    rule(refused="choreographies are not executable")),
    **dict.fromkeys(("conversation", "callConversation", "subConversation"),
                    rule(refused="conversations are not executable")),
}

# -- camunda extension elements: element -> its attributes (None: refused, with the sentence) --------
LISTENERS = "listeners run Java or scripts, which cannot run here; put the work in a service task with a topic"
CAMUNDA_ELEMENTS: dict[str, frozenset[str] | str] = {
    "properties": frozenset(),
    "property": frozenset({"id", "name", "value"}),
    "formData": frozenset({"businessKey"}),
    "formField": frozenset({"id", "label", "type", "defaultValue"}),
    "validation": frozenset(),
    "constraint": frozenset({"name", "config"}),
    "value": frozenset({"id", "name"}),
    # variable mappings (engine/bpmn/mappings.py; where and how: engine/validation/mapping_rules.py)
    "inputOutput": frozenset(),
    "inputParameter": frozenset({"name"}),
    "outputParameter": frozenset({"name"}),
    "list": frozenset(),
    "map": frozenset(),
    "entry": frozenset({"key"}),
    "in": frozenset({"source", "sourceExpression", "target", "variables", "local", "businessKey"}),
    "out": frozenset({"source", "sourceExpression", "target", "variables", "local"}),
    "taskListener": LISTENERS,
    "executionListener": LISTENERS,
    "field": "Java delegate fields cannot run here; pass values in camunda:properties",
    "connector": "connectors cannot run here; use a service task with camunda:type=\"external\" and a topic",
    "failedJobRetryTimeCycle": frozenset(),  # its text is judged in engine/validation/async_rules.py
    "potentialStarter": "who may start a process is decided by roles in kentei; remove camunda:potentialStarter",
    "errorEventDefinition": "error event definitions on external tasks are not supported; the handler raises "
                            "BpmnError with the code",
    "formProperty": "form properties are not supported; use camunda:formData",
    "script": "scripts are not allowed: compute the value with an expression ${…} or a DMN decision, and put "
              "other work in an external service task",
}
CONTEXTS: dict[str, frozenset[str]] = {  # camunda extension elements allowed only under these BPMN elements
    "formData": frozenset({"userTask"}),
    "failedJobRetryTimeCycle": frozenset({  # where a job can fail: the flow nodes (and what async_rules refuses)
        "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "userTask",
        "serviceTask", "sendTask", "receiveTask", "businessRuleTask", "task", "manualTask", "exclusiveGateway",
        "inclusiveGateway", "parallelGateway", "eventBasedGateway", "subProcess", "callActivity",
        "multiInstanceLoopCharacteristics"}),
    # a call activity's variables, and a throwing signal's (bpmn_rules._signal)
    "in": frozenset({"callActivity", "signalEventDefinition"}),
    "out": frozenset({"callActivity"}),
    # where Camunda 7 runs input/output mappings; start and boundary events pass, to be told why not
    "inputOutput": frozenset({"userTask", "serviceTask", "sendTask", "businessRuleTask", "task", "manualTask",
                              "receiveTask", "scriptTask", "subProcess", "transaction", "callActivity",
                              "intermediateCatchEvent", "intermediateThrowEvent", "endEvent", "startEvent",
                              "boundaryEvent"}),
}
NAMESPACES_REFUSED: dict[str, str] = {  # other engines' extensions: not Camunda 7's
    "http://camunda.org/schema/zeebe/1.0": "this is a Camunda 8 (Zeebe) extension; draw the diagram as a "
                                           "Camunda 7 diagram",
    "http://flowable.org/bpmn": "this is a Flowable extension; draw the diagram as a Camunda 7 diagram",
    "http://spiffworkflow.org/bpmn/schema/1.0/core": "this is a SpiffArena extension; draw the diagram as a "
                                                     "Camunda 7 diagram",
}
