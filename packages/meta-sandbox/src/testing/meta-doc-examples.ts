// Meta's own documented examples, copied verbatim (only whitespace changed), for the conformance tests.
// Sources are named per example; keys as in docs/reference/meta-templates.md.

/** FB-OAS `GET /{Version}/{WABA-ID}/message_templates` "Example response" (business-messaging-api_v23.0.yaml). */
export const LIST_RESPONSE_EXAMPLE = {
  data: [
    {
      category: "MARKETING",
      components: [
        { format: "TEXT", text: "Hello World", type: "HEADER" },
        {
          text: "Welcome and congratulations!! This message demonstrates your ability to send a message notification from WhatsApp Business Platform’s Cloud API. Thank you for taking the time to test with us.",
          type: "BODY",
        },
        { text: "WhatsApp Business API Team", type: "FOOTER" },
      ],
      id: "1192339204654487",
      language: "en_US",
      name: "hello_world",
      previous_category: "ACCOUNT_UPDATE",
      status: "APPROVED",
    },
    {
      category: "MARKETING",
      components: [
        { format: "TEXT", text: "Fall Sale", type: "HEADER" },
        {
          example: { body_text: [["Mark", "FALL25"]] },
          text: "Hi {{1}}, our Fall Sale is on! Use promo code {{2}} Get an extra 25% off every order above $350!",
          type: "BODY",
        },
        { text: "Not interested in any of our sales? Tap Stop Promotions", type: "FOOTER" },
        { buttons: [{ text: "Stop promotions", type: "QUICK_REPLY" }], type: "BUTTONS" },
      ],
      id: "920070352646140",
      language: "en_US",
      name: "2023_april_promo",
      status: "APPROVED",
    },
  ],
  paging: { cursors: { after: "MjQZD", before: "MAZDZD" } },
};

/** M-API `CreateTemplateResponse` example (§1.3). */
export const CREATE_RESPONSE_EXAMPLE = { id: "594425479261596", status: "PENDING", category: "MARKETING" };

/** M-OVR: `GET /{id}?fields=status` (§3.2). */
export const GET_FIELDS_STATUS_EXAMPLE = { status: "APPROVED", id: "1259544702043867" };

/** Error envelopes: FB-OAS examples and the observed bodies of §2.4 / §7 (fbtrace ids as published). */
export const ERROR_EXAMPLES = [
  { error: { message: "An access token is required to request this resource", type: "OAuthException", code: 104 } },
  {
    error: {
      message: "Invalid OAuth access token",
      type: "OAuthException",
      code: 190,
      error_subcode: 463,
      fbtrace_id: "AXsgnV2Cm3ZMGF3dF_cfYIn",
    },
  },
  {
    error: {
      message: "Your app doesn't have permission to access connected client businesses for this application",
      type: "OAuthException",
      code: 200,
      error_subcode: 1349174,
      fbtrace_id: "AXsgnV2Cm3ZMGF3dF_cfYIn",
      error_user_title: "Permission Denied",
      error_user_msg: "Your app doesn't have permission to access this resource",
    },
  },
  {
    error: {
      message: "Application request limit reached",
      type: "OAuthException",
      code: 4,
      error_subcode: 2446079,
      fbtrace_id: "AXsgnV2Cm3ZMGF3dF_cfYIn",
      is_transient: true,
    },
  },
  {
    error: {
      message: "An unexpected error occurred. Please retry your request",
      type: "GraphMethodException",
      code: 2,
      fbtrace_id: "AXsgnV2Cm3ZMGF3dF_cfYIn",
      is_transient: true,
    },
  },
  {
    error: {
      message: "Invalid parameter",
      type: "OAuthException",
      code: 100,
      error_subcode: 2388293,
      is_transient: false,
      error_user_title: "Parameters words ratio exceeds limit",
      error_user_msg:
        "This template has too many variables for its length. Reduce the number of variables or increase the message length.",
      fbtrace_id: "AXsgnV2Cm3ZMGF3dF_cfYIn",
    },
  },
  {
    error: {
      message: "Invalid parameter",
      type: "OAuthException",
      code: 100,
      error_subcode: 2388299,
      is_transient: false,
      error_user_title: "Leading or trailing parameters not allowed",
      error_user_msg: "Variables can't be at the start or end of the template.",
      fbtrace_id: "AXsgnV2Cm3ZMGF3dF_cfYIn",
    },
  },
];

/** M-WH-STATUS examples (approved, rejected with INVALID_FORMAT). */
export const STATUS_WEBHOOK_EXAMPLES = [
  {
    entry: [
      {
        id: "102290129340398",
        time: 1751247548,
        changes: [
          {
            value: {
              event: "APPROVED",
              message_template_id: 1689556908129832,
              message_template_name: "order_confirmation",
              message_template_language: "en-US",
              reason: "NONE",
              message_template_category: "UTILITY",
            },
            field: "message_template_status_update",
          },
        ],
      },
    ],
    object: "whatsapp_business_account",
  },
  {
    entry: [
      {
        id: "102290129340398",
        time: 1751247548,
        changes: [
          {
            value: {
              event: "REJECTED",
              message_template_id: 1689556908129835,
              message_template_name: "abandoned_cart",
              message_template_language: "en",
              reason: "INVALID_FORMAT",
              message_template_category: "MARKETING",
              rejection_info: {
                reason:
                  "Your template has parameters placed next to each other (like {{1}}{{2}}) without text or punctuation between them.",
                recommendation:
                  "Separate parameters with descriptive text and ensure each parameter is clearly contextualized.",
              },
            },
            field: "message_template_status_update",
          },
        ],
      },
    ],
    object: "whatsapp_business_account",
  },
];

/** M-WH-QUAL example (§8.3). */
export const QUALITY_WEBHOOK_EXAMPLE = {
  entry: [
    {
      id: "102290129340398",
      time: 1674864290,
      changes: [
        {
          value: {
            previous_quality_score: "GREEN",
            new_quality_score: "YELLOW",
            message_template_id: 806312974732579,
            message_template_name: "welcome_template",
            message_template_language: "en-US",
          },
          field: "message_template_quality_update",
        },
      ],
    },
  ],
  object: "whatsapp_business_account",
};

/** M-WH-CAT examples: the 24-hour notice and the completed change (§8.4). */
export const CATEGORY_WEBHOOK_EXAMPLES = [
  {
    entry: [
      {
        id: "102290129340398",
        time: 1746082800,
        changes: [
          {
            field: "template_category_update",
            value: {
              message_template_id: 278077987957091,
              message_template_name: "welcome_template",
              message_template_language: "en-US",
              new_category: "UTILITY",
              correct_category: "MARKETING",
              category_update_timestamp: 1746169200,
            },
          },
        ],
      },
    ],
    object: "whatsapp_business_account",
  },
  {
    entry: [
      {
        id: "102290129340398",
        time: 1746169200,
        changes: [
          {
            field: "template_category_update",
            value: {
              message_template_id: 278077987957091,
              message_template_name: "welcome_template",
              message_template_language: "en-US",
              previous_category: "UTILITY",
              new_category: "MARKETING",
            },
          },
        ],
      },
    ],
    object: "whatsapp_business_account",
  },
];

/** M-WH-COMP example (§8.5). */
export const COMPONENTS_WEBHOOK_EXAMPLE = {
  entry: [
    {
      id: "102290129340398",
      time: 1751250234,
      changes: [
        {
          value: {
            message_template_id: 1315502779341834,
            message_template_name: "order_confirmation",
            message_template_language: "en_US",
            message_template_title: "Your order is confirmed!",
            message_template_element:
              "Thank you for your order, {{1}}! Your order number is {{2}}. If you have any questions, contact support using the buttons below. Thanks again!",
            message_template_footer: "Lucky Shrub: the Succulent Specialists!",
            message_template_buttons: [
              {
                message_template_button_type: "PHONE_NUMBER",
                message_template_button_text: "Phone support",
                message_template_button_phone_number: "+15550783881",
              },
              {
                message_template_button_type: "URL",
                message_template_button_text: "Email support",
                message_template_button_url: "https://www.luckyshrub.com/support",
              },
            ],
          },
          field: "message_template_components_update",
        },
      ],
    },
  ],
  object: "whatsapp_business_account",
};
