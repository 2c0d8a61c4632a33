# The same data action as check-attribute-signature.data-action.json, for CX-as-Code
# (the genesyscloud Terraform provider). integration_id: a "Web Services Data Actions"
# integration whose credentials (type User Defined) hold `token`: a service token of the
# gateway with the conversations:verify scope.

variable "wm_gateway_integration_id" {
  type        = string
  description = "Id of the Web Services Data Actions integration holding the gateway's token."
}

variable "wm_gateway_url" {
  type        = string
  description = "Base URL of wm-attribute-gateway as Genesys Cloud reaches it."
  default     = "https://wm-attribute-gateway.example.com"
}

resource "genesyscloud_integration_action" "wm_check_attribute_signature" {
  name           = "wm-attribute-gateway - Check attribute signature"
  category       = "wm-attribute-gateway"
  integration_id = var.wm_gateway_integration_id
  secure         = false

  contract_input = jsonencode({
    "$schema"            = "http://json-schema.org/draft-04/schema#"
    title                = "Participant attributes"
    type                 = "object"
    required             = ["userId", "attributesSignature"]
    additionalProperties = false
    properties = {
      userId              = { type = "string" }
      userTier            = { type = "string" }
      lastOrderDate       = { type = "string" }
      email               = { type = "string" }
      attributesSignature = { type = "string" }
    }
  })

  contract_output = jsonencode({
    "$schema"            = "http://json-schema.org/draft-04/schema#"
    title                = "Signature check"
    type                 = "object"
    required             = ["valid", "reason", "queueId", "trustedAttributes"]
    additionalProperties = false
    properties = {
      valid             = { type = "boolean" }
      reason            = { type = "string" }
      userId            = { type = "string" }
      queueId           = { type = "string" }
      trustedAttributes = { type = "string" }
    }
  })

  config_request {
    request_url_template = "${var.wm_gateway_url}/api/verification/signature"
    request_type         = "POST"
    request_template     = "{\"attributes\": {\"userId\": $esc.jsonString($${input.userId}), \"userTier\": $esc.jsonString($${input.userTier}), \"lastOrderDate\": $esc.jsonString($${input.lastOrderDate}), \"email\": $esc.jsonString($${input.email}), \"attributesSignature\": $esc.jsonString($${input.attributesSignature})}}"
    headers = {
      "Content-Type"  = "application/json"
      "Authorization" = "Bearer $${credentials.token}"
    }
  }

  config_response {
    translation_map = {
      valid             = "$.valid"
      reason            = "$.reason"
      userId            = "$.userId"
      queueId           = "$.queueId"
      trustedAttributes = "$.trustedAttributes"
    }
    translation_map_defaults = {
      userId = "\"\""
    }
    success_template = "{\"valid\": $${valid}, \"reason\": $${reason}, \"userId\": $${userId}, \"queueId\": $${queueId}, \"trustedAttributes\": $${trustedAttributes}}"
  }
}
