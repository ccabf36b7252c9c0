package io.oprelay.twilio;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * Twilio's error body, as the API sends it and as the simulator answers it.
 *
 * @param code           Twilio error code, for example 20001 (validation) or 20404 (not found)
 * @param message        human readable message
 * @param httpStatusCode the HTTP status repeated in the body
 * @param userError      whether the caller caused it
 * @param params         extra details (string values in the spec; read leniently)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TwilioError(Integer code, String message, Integer httpStatusCode, Boolean userError,
                          Map<String, Object> params) {
}
