package io.chargeonce.cli.service;

import io.chargeonce.api.ApiConfig;
import io.chargeonce.api.PaymentApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/** payment-api from {@code CHARGEONCE_API_*}, plus the merchants {@link MerchantGrant#ENV} asks for. */
final class ApiService implements RunningService {

    private static final Logger log = LoggerFactory.getLogger(ApiService.class);

    private final PaymentApi api;

    private ApiService(PaymentApi api) {
        this.api = api;
    }

    static ApiService start(Map<String, String> env) {
        List<MerchantGrant> grants = MerchantGrant.parse(env.get(MerchantGrant.ENV));
        PaymentApi api = PaymentApi.start(ApiConfig.fromEnvironment(env));
        try {
            for (MerchantGrant grant : grants) {
                String merchantId = api.merchants().provision(grant.name(), grant.apiKey());
                log.info("merchant {} provisioned as {}", grant.name(), merchantId);
            }
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
        return new ApiService(api);
    }

    @Override
    public String readyDetail() {
        return Integer.toString(api.port());
    }

    @Override
    public void close() {
        api.close();
    }
}
